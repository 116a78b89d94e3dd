// SPDX-License-Identifier: GPL-3.0-or-later
// The file layer's read-only mapping (shell/core/file.c, KDIVE_MMAP=1): reads through the
// mapping equal the file's bytes, reads past the end are errors, a file that
// shrinks after it was opened gives an error (the copy's SIGBUS is caught and
// the file falls back to pread) instead of killing the process, and /proc's
// files, and every file without KDIVE_MMAP=1, are read with pread.
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"

#define LEN (256 * 1024)

static char path[] = "/tmp/kdive-test-file.XXXXXX";

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 12));
}

static void make_file(void)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unsigned char *b = malloc(LEN);
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < LEN; i++)
		b[i] = byte_at(i);
	ck_assert_int_eq(write(fd, b, LEN), LEN);
	close(fd);
	free(b);
}

static void check_bytes(struct kd_file *f, size_t off, size_t len)
{
	unsigned char b[8192];
	ck_assert_uint_le(len, sizeof(b));
	struct kd_error *err = kd_file_pread(f, b, len, off);
	ck_assert_ptr_null(err);
	for (size_t i = 0; i < len; i++)
		ck_assert_uint_eq(b[i], byte_at(off + i));
}

START_TEST(mapped_reads)
{
	setenv("KDIVE_MMAP", "1", 1);
	make_file();
	struct kd_file *f;
	ck_assert_ptr_null(kd_file_open(path, &f));
	ck_assert_ptr_nonnull(f->map);
	check_bytes(f, 0, 4096);
	check_bytes(f, 4095, 8192); // across pages
	check_bytes(f, LEN - 1, 1);
	unsigned char b[16];
	struct kd_error *err = kd_file_pread(f, b, 2, LEN - 1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	err = kd_file_pread(f, b, 1, UINT64_MAX);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	kd_file_close(f);
	unlink(path);
}
END_TEST

START_TEST(shrinks_under_the_mapping)
{
	setenv("KDIVE_MMAP", "1", 1);
	make_file();
	struct kd_file *f;
	ck_assert_ptr_null(kd_file_open(path, &f));
	ck_assert_ptr_nonnull(f->map);
	check_bytes(f, 100 * 1024, 4096); // touched before the truncation
	ck_assert_int_eq(truncate(path, 16 * 1024), 0);
	unsigned char b[4096];
	struct kd_error *err = kd_file_pread(f, b, sizeof(b), 100 * 1024);
	ck_assert_ptr_nonnull(err); // not SIGBUS
	ck_assert_int_eq(err->code, KD_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err->msg, "truncated"));
	kd_error_destroy(err);
	ck_assert_ptr_null(f->map); // pread from now on
	check_bytes(f, 0, 4096);
	err = kd_file_pread(f, b, sizeof(b), 200 * 1024);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	kd_file_close(f);
	unlink(path);
}
END_TEST

START_TEST(not_mapped)
{
	struct kd_file *f;
	ck_assert_ptr_null(kd_file_open("/proc/self/status", &f));
	ck_assert_ptr_null(f->map);
	kd_file_close(f);
	make_file();
	unsetenv("KDIVE_MMAP"); // the default: pread
	ck_assert_ptr_null(kd_file_open(path, &f));
	ck_assert_ptr_null(f->map);
	check_bytes(f, 5000, 3000);
	kd_file_close(f);
	unlink(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");
	tcase_add_test(tc, mapped_reads);
	tcase_add_test(tc, shrinks_under_the_mapping);
	tcase_add_test(tc, not_mapped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
