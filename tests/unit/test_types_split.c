// SPDX-License-Identifier: GPL-3.0-or-later
// Modules' split BTF merged over the kernel's (shell/core/types_split.c),
// on BTF written by libbpf: a base with int and struct base_s, and two
// "modules" each with its own struct inner (of different sizes) and a
// struct that refers to its inner, to the base's types and to arrays and
// pointers of both.  After the merge the base's ids are unchanged, each
// module's references lead to its own types (the second module's ids moved
// past the first's), a name both define finds the first merged, and a blob
// that does not parse is refused without harm.  The dump is bedump.h's.
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include <kdive/types.h>

#include "core/session_priv.h"
#include "core/types.h"
#include "../tools/bedump.h"

static const struct bd_spec spec = { .be = false, .em = EM_RISCV, .machine = "riscv64", .page_size = 4096 };

// A module: struct inner { <isize bytes of ints> }, struct NAME { struct inner *p;
// struct base_s b; struct inner arr[2]; int *ip; }.
static void *module_btf(struct btf *base, const char *name, int isize, uint32_t *size)
{
	struct btf *m = btf__new_empty_split(base);
	ck_assert_ptr_nonnull(m);
	int in = btf__add_struct(m, "inner", isize);
	ck_assert_int_gt(in, 0);
	for (int i = 0; i < isize / 4; i++) {
		char f[16];
		snprintf(f, sizeof(f), "f%d", i);
		ck_assert_int_eq(btf__add_field(m, f, 1, i * 32, 0), 0);
	}
	int ptr = btf__add_ptr(m, in);
	int arr = btf__add_array(m, 1, in, 2);
	int iptr = btf__add_ptr(m, 1);
	ck_assert_int_gt(btf__add_struct(m, name, 8 + 4 + 2 * isize + 8), 0);
	ck_assert_int_eq(btf__add_field(m, "p", ptr, 0, 0), 0);
	ck_assert_int_eq(btf__add_field(m, "b", 2, 64, 0), 0);
	ck_assert_int_eq(btf__add_field(m, "arr", arr, 96, 0), 0);
	ck_assert_int_eq(btf__add_field(m, "ip", iptr, (uint32_t)(96 + 16 * isize), 0), 0);
	// An enum with one enumerator, NAME_v = isize.
	char en[32];
	snprintf(en, sizeof(en), "%s_v", name);
	ck_assert_int_gt(btf__add_enum(m, "", 4), 0);
	ck_assert_int_eq(btf__add_enum_value(m, en, isize), 0);
	const void *raw = btf__raw_data(m, size);
	ck_assert_ptr_nonnull(raw);
	void *copy = malloc(*size);
	memcpy(copy, raw, *size);
	btf__free(m);
	return copy;
}

static uint64_t size_of_member(struct kd_session *s, const char *type, const char *path)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	ck_assert_msg(!err, "%s.%s: %s", type, path, err ? err->msg : "");
	return m.size;
}

// The size of what member path of type points to.
static uint64_t size_of_target(struct kd_session *s, const char *type, const char *path)
{
	struct kd_member_info m;
	struct kd_type_info ti, target;
	ck_assert_ptr_null(kd_type_member(s, type, path, &m));
	ck_assert_ptr_null(kd_type_get(s, m.type, &ti));
	ck_assert_int_eq(ti.kind, KD_TYPE_PTR);
	ck_assert_ptr_null(kd_type_get(s, ti.target, &target));
	return target.size;
}

START_TEST(test_merge)
{
	char dump[] = "/tmp/kdive-test-split.XXXXXX", bfile[] = "/tmp/kdive-test-split-btf.XXXXXX";
	int fd = mkstemp(dump);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = mkstemp(bfile);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(bd_write_elf(dump, &spec), 0);
	struct btf *base = btf__new_empty();
	ck_assert_int_eq(btf__add_int(base, "int", 4, BTF_INT_SIGNED), 1);
	ck_assert_int_eq(btf__add_struct(base, "base_s", 4), 2);
	ck_assert_int_eq(btf__add_field(base, "v", 1, 0, 0), 0);
	uint32_t bsize;
	const void *braw = btf__raw_data(base, &bsize);
	ck_assert_int_eq(bd_write(bfile, braw, bsize), 0);
	uint32_t s1, s2;
	void *m1 = module_btf(base, "m1", 8, &s1), *m2 = module_btf(base, "m2", 16, &s2);
	btf__free(base);

	struct kd_session_opts opts = { .btf = bfile };
	struct kd_session *s = NULL;
	struct kd_error *err = kd_session_create(dump, &opts, &s);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_ptr_null(kd_types_load(s));
	uint32_t id;
	ck_assert_ptr_null(kd_type_find(s, "base_s", &id));
	ck_assert_int_eq(id, 2);

	uint32_t added = 0;
	ck_assert_ptr_null(kd_types_add_split(s, m1, s1, "m1", &added));
	ck_assert_int_eq(added, 6);
	// Merged in two rounds (the modules in memory, then a .ko's): the
	// second parse replaces the first, the indexes grow in place.
	ck_assert_ptr_null(kd_types_split_done(s));
	ck_assert_uint_eq(size_of_target(s, "m1", "p"), 8);
	int64_t v = 0;
	ck_assert_ptr_null(kd_types_enumerator(s->types, "m1_v", &v));
	ck_assert_int_eq(v, 8);
	ck_assert_ptr_null(kd_types_add_split(s, m2, s2, "m2", &added));
	ck_assert_int_eq(added, 6);
	// Not parsable: refused, the rest stays.
	static const unsigned char junk[64] = { 0xde, 0xad, 1, 0, 24 };
	err = kd_types_add_split(s, junk, sizeof(junk), "junk", &added);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "junk") != NULL, "%s", err->msg);
	kd_error_destroy(err);
	ck_assert_ptr_null(kd_types_split_done(s));

	ck_assert_ptr_null(kd_type_find(s, "base_s", &id));
	ck_assert_int_eq(id, 2);
	// Each module's references lead to its own inner.
	ck_assert_uint_eq(size_of_target(s, "m1", "p"), 8);
	ck_assert_uint_eq(size_of_target(s, "m2", "p"), 16);
	ck_assert_uint_eq(size_of_member(s, "m1", "arr"), 16);
	ck_assert_uint_eq(size_of_member(s, "m2", "arr"), 32);
	ck_assert_uint_eq(size_of_member(s, "m2", "b"), 4);
	ck_assert_uint_eq(size_of_target(s, "m2", "ip"), 4);
	ck_assert_uint_eq(size_of_member(s, "m2", "arr[1].f3"), 4);
	ck_assert_ptr_null(kd_types_enumerator(s->types, "m1_v", &v));
	ck_assert_int_eq(v, 8);
	ck_assert_ptr_null(kd_types_enumerator(s->types, "m2_v", &v));
	ck_assert_int_eq(v, 16);
	// A name both define: the first merged.
	uint64_t sz;
	ck_assert_ptr_null(kd_type_size(s, "struct inner", &sz));
	ck_assert_uint_eq(sz, 8);
	// Names as C: the module's types print through the merged strings.
	ck_assert_ptr_null(kd_type_find(s, "m2", &id));
	char *decl = kd_type_name(s, id, NULL);
	ck_assert_str_eq(decl, "struct m2");
	free(decl);

	kd_session_destroy(s);
	free(m1);
	free(m2);
	unlink(dump);
	unlink(bfile);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("types_split");
	TCase *tc = tcase_create("merge");
	tcase_add_test(tc, test_merge);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
