// SPDX-License-Identifier: GPL-3.0-or-later
// Translation through the ELF segments (shell/core/vm.c, seg_translate) for
// a machine without a page-table walker: p_vaddr -> p_paddr, the later
// segment winning where two overlap; an address outside every segment is
// KD_ERR_FAULT naming it; a user address space and the all-zero p_vaddr of
// QEMU's dumps give no translation; kd_next_mapped walks the segments; and a
// machine with a walker (x86_64) never falls back to the segments.  The
// ELF64 cores are written here, byte by byte in their order (bedump.h's
// bd_put), four pages of memory each holding its own letter.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/session_priv.h"
#include "../tools/bedump.h"

enum { PS = 4096, NPAGES = 4 };
#define KVA 0xc000000000000000ull

struct seg {
	uint64_t va, pa, size;
};

// An ELF64 core of machine em: the PT_LOADs segs (file data at the
// physical address's page), no notes.
static void write_core(const char *path, unsigned em, bool be, const struct seg *segs, unsigned n)
{
	size_t data = PS, len = data + NPAGES * PS;
	unsigned char *img = calloc(1, len);
	ck_assert_ptr_nonnull(img);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	bd_put(img + 16, 2, ET_CORE, be);
	bd_put(img + 18, 2, em, be);
	bd_put(img + 20, 4, EV_CURRENT, be);
	bd_put(img + 32, 8, 64, be);
	bd_put(img + 52, 2, 64, be);
	bd_put(img + 54, 2, 56, be);
	bd_put(img + 56, 2, n, be);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *ph = img + 64 + 56 * i;
		bd_put(ph + 0, 4, PT_LOAD, be);
		bd_put(ph + 8, 8, data + segs[i].pa, be);
		bd_put(ph + 16, 8, segs[i].va, be);
		bd_put(ph + 24, 8, segs[i].pa, be);
		bd_put(ph + 32, 8, segs[i].size, be);
		bd_put(ph + 40, 8, segs[i].size, be);
	}
	for (unsigned p = 0; p < NPAGES; p++)
		memset(img + data + p * PS, 'A' + (int)p, PS);
	ck_assert_int_eq(bd_write(path, img, len), 0);
	free(img);
}

static struct kd_session *open_core(unsigned em, bool be, const struct seg *segs, unsigned n)
{
	char path[] = "/tmp/kdive-test-vseg.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_core(path, em, be, segs, n);
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w"); // the start-up warnings
	struct kd_session *s = NULL;
	struct kd_error *err = kd_session_create(path, NULL, &s);
	fclose(stderr);
	stderr = saved;
	unlink(path);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	return s;
}

static char byte_at(struct kd_session *s, uint64_t va)
{
	char c = 0;
	struct kd_error *err = kd_read_kernel(s, va, &c, 1);
	ck_assert_msg(!err, "0x%llx: %s", (unsigned long long)va, err ? err->msg : "");
	return c;
}

START_TEST(later_segment_wins)
{
	// A maps pages 0-1 at KVA; B, later, maps page 3 over A's second page.
	const struct seg segs[] = { { KVA, 0, 2 * PS }, { KVA + PS, 3 * PS, PS } };
	struct kd_session *s = open_core(EM_S390, true, segs, 2);
	ck_assert_int_eq(byte_at(s, KVA), 'A');
	ck_assert_int_eq(byte_at(s, KVA + PS + 5), 'D');
	uint64_t pa = 0;
	ck_assert_ptr_null(kd_translate(s, NULL, KVA + PS + 5, &pa, NULL));
	ck_assert_uint_eq(pa, 3 * PS + 5);
	// outside every segment
	struct kd_error *err = kd_translate(s, NULL, KVA + 2 * PS, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_FAULT);
	ck_assert_uint_eq(err->addr, KVA + 2 * PS);
	ck_assert_msg(strstr(err->msg, "0xc000000000002000 is not mapped by any ELF segment (no page-table walker for s390x)"),
		      "%s", err->msg);
	kd_error_destroy(err);
	// a user address space needs a walker
	struct kd_as user = { .kind = KD_AS_USER, .pgd = 0x1000 };
	err = kd_translate(s, &user, 0x400000, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_UNSUPPORTED);
	kd_error_destroy(err);
	// kd_next_mapped: the first page at or after va, NOTFOUND past the end
	uint64_t mva = 0, mpa = 0, msize = 0;
	ck_assert_ptr_null(kd_next_mapped(s, NULL, 0x1000, 0, &mva, &mpa, &msize));
	ck_assert_uint_eq(mva, KVA);
	ck_assert_uint_eq(mpa, 0);
	ck_assert_uint_eq(msize, PS);
	err = kd_next_mapped(s, NULL, KVA + 2 * PS, 0, &mva, &mpa, &msize);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_NOTFOUND);
	kd_error_destroy(err);
	kd_session_destroy(s);
}
END_TEST

START_TEST(vaddr_zero_is_identity_when_others_are_not)
{
	// s390x's identity direct map (vaddr == paddr from 0) beside a kernel
	// image at a high address: the zero p_vaddr is a real address.
	const struct seg segs[] = { { 0x3ffe0000000ull, PS, PS }, { 0, 0, NPAGES * PS } };
	struct kd_session *s = open_core(EM_S390, true, segs, 2);
	ck_assert_int_eq(byte_at(s, 0x3ffe0000010ull), 'B');
	ck_assert_int_eq(byte_at(s, 2 * PS), 'C');
	kd_session_destroy(s);
}
END_TEST

START_TEST(all_vaddrs_zero_give_no_translation)
{
	// QEMU's dump-guest-memory without paging: every p_vaddr is 0.
	const struct seg segs[] = { { 0, 0, 2 * PS }, { 0, 2 * PS, 2 * PS } };
	struct kd_session *s = open_core(EM_PPC64, true, segs, 2);
	uint64_t pa;
	struct kd_error *err = kd_translate(s, NULL, PS, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_UNSUPPORTED);
	ck_assert_msg(strstr(err->msg, "no page-table walker for ppc64, and the dump's ELF segments record no virtual addresses"),
		      "%s", err->msg);
	kd_error_destroy(err);
	char c;
	ck_assert_ptr_null(kd_read_phys(s, 2 * PS, &c, 1));
	ck_assert_int_eq(c, 'C');
	kd_session_destroy(s);
}
END_TEST

START_TEST(a_machine_with_a_walker_never_uses_the_segments)
{
	// x86_64 without VMCOREINFO: its walker cannot start, and the
	// segments' virtual addresses are not used in its place.
	const struct seg segs[] = { { 0xffff888000000000ull, 0, NPAGES * PS } };
	struct kd_session *s = open_core(EM_X86_64, false, segs, 1);
	uint64_t pa;
	struct kd_error *err = kd_translate(s, NULL, 0xffff888000000000ull, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_UNSUPPORTED);
	ck_assert_ptr_null(strstr(err->msg, "ELF segment"));
	kd_error_destroy(err);
	kd_session_destroy(s);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("vseg");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, later_segment_wins);
	tcase_add_test(tc, vaddr_zero_is_identity_when_others_are_not);
	tcase_add_test(tc, all_vaddrs_zero_give_no_translation);
	tcase_add_test(tc, a_machine_with_a_walker_never_uses_the_segments);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
