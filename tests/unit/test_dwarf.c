// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the DWARF to BTF conversion (shell/core/dwarf.c) on a small
// program compiled here with -gdwarf-2 (member locations as expressions),
// -gdwarf-4 (bitfields as DW_AT_bit_offset) and -gdwarf-5
// (DW_AT_data_bit_offset): bitfields, flexible and
// multi-dimensional arrays, pointers to functions with varargs, qualifiers,
// anonymous members, self-reference, declarations, signed and 64-bit enums,
// typedef chains and global variables.  Expected layouts are x86_64's.
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dwarf_btf.h"

#if defined(HAVE_LIBDW) && defined(HAVE_LIBBPF)

#include <bpf/btf.h>

static const char source[] =
	"struct bits { unsigned a:3; unsigned b:5; int c:20; unsigned long long d:40; char e; };\n"
	"struct flex { int n; long data[]; };\n"
	"struct multi { short m[2][3][4]; };\n"
	"typedef int (*handler_t)(const char *, ...);\n"
	"typedef handler_t handler2_t;\n"
	"struct node {\n"
	"	struct node *next;\n"
	"	handler2_t fn;\n"
	"	const volatile int cv;\n"
	"	union { int i; float f; };\n"
	"	struct { char x, y; } pair;\n"
	"	struct fwd_only *opaque;\n"
	"};\n"
	"enum small { S_NEG = -3, S_BIG = 225 };\n"
	"enum big { B_HUGE = 0x100000000ull };\n"
	"enum { ANON_CONST = 42 };\n"
	"struct bits g_bits; struct flex *g_flex; struct multi g_multi; struct node g_node;\n"
	"enum small g_small; enum big g_big; int g_anon = ANON_CONST;\n"
	"int main(void) { return 0; }\n";

static char dir[64];

static struct btf *convert(int dwarf_version)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/kdive-test-dwarf.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
		char path[128];
		snprintf(path, sizeof(path), "%s/t.c", dir);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(source, f);
		fclose(f);
	}
	char cmd[512], prog[128];
	snprintf(prog, sizeof(prog), "%s/t%d", dir, dwarf_version);
	snprintf(cmd, sizeof(cmd), "${CC:-cc} -g -gdwarf-%d%s -O0 -o %s %s/t.c", dwarf_version,
		 dwarf_version < 4 ? " -gstrict-dwarf" : "", prog, dir);
	ck_assert_int_eq(system(cmd), 0);
	struct btf *btf = NULL;
	struct kd_dwarf_stats st;
	struct kd_error *err = kd_dwarf_to_btf(prog, &btf, &st);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_uint_ge(st.units, 1);
	return btf;
}

static const struct btf_type *named(struct btf *btf, const char *name, int kind, int *id_ret)
{
	int id = btf__find_by_name_kind(btf, name, kind);
	ck_assert_msg(id > 0, "no %s of kind %d", name, kind);
	if (id_ret)
		*id_ret = id;
	return btf__type_by_id(btf, id);
}

static const struct btf_member *member(struct btf *btf, const struct btf_type *t, const char *name)
{
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		if (strcmp(btf__name_by_offset(btf, m->name_off), name) == 0)
			return m;
	}
	ck_abort_msg("no member %s", name);
	return NULL;
}

static void check_member(struct btf *btf, const struct btf_type *t, const char *name, uint32_t bits,
			 uint32_t width)
{
	const struct btf_member *m = member(btf, t, name);
	ck_assert_msg(btf_member_bit_offset(t, m - btf_members(t)) == bits, "%s: bit offset %u, want %u",
		      name, btf_member_bit_offset(t, m - btf_members(t)), bits);
	ck_assert_msg(btf_member_bitfield_size(t, m - btf_members(t)) == width, "%s: width %u, want %u",
		      name, btf_member_bitfield_size(t, m - btf_members(t)), width);
}

static uint32_t skip_mods(struct btf *btf, uint32_t id)
{
	return (uint32_t)btf__resolve_type(btf, id);
}

static void check_program(int dwarf_version)
{
	struct btf *btf = convert(dwarf_version);
	const struct btf_type *t = named(btf, "bits", BTF_KIND_STRUCT, NULL);
	ck_assert_uint_eq(t->size, 16);
	check_member(btf, t, "a", 0, 3);
	check_member(btf, t, "b", 3, 5);
	check_member(btf, t, "c", 8, 20);
	check_member(btf, t, "d", 64, 40);
	check_member(btf, t, "e", 104, 0);

	t = named(btf, "flex", BTF_KIND_STRUCT, NULL);
	ck_assert_uint_eq(t->size, 8);
	check_member(btf, t, "data", 64, 0);
	const struct btf_type *a = btf__type_by_id(btf, member(btf, t, "data")->type);
	ck_assert(btf_is_array(a));
	ck_assert_uint_eq(btf_array(a)->nelems, 0);

	t = named(btf, "multi", BTF_KIND_STRUCT, NULL);
	ck_assert_uint_eq(t->size, 48);
	uint32_t id = member(btf, t, "m")->type;
	const uint32_t dims[] = { 2, 3, 4 };
	for (int i = 0; i < 3; i++) {
		a = btf__type_by_id(btf, id);
		ck_assert(btf_is_array(a));
		ck_assert_uint_eq(btf_array(a)->nelems, dims[i]);
		id = btf_array(a)->type;
	}
	ck_assert_str_eq(btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off), "short int");

	int node_id;
	t = named(btf, "node", BTF_KIND_STRUCT, &node_id);
	ck_assert_uint_eq(t->size, 40);
	const struct btf_type *p = btf__type_by_id(btf, member(btf, t, "next")->type);
	ck_assert(btf_is_ptr(p));
	ck_assert_int_eq(p->type, node_id);
	// handler2_t -> handler_t -> pointer -> int (const char *, ...)
	const struct btf_type *td = btf__type_by_id(btf, member(btf, t, "fn")->type);
	ck_assert(btf_is_typedef(td));
	td = btf__type_by_id(btf, td->type);
	ck_assert(btf_is_typedef(td));
	p = btf__type_by_id(btf, td->type);
	ck_assert(btf_is_ptr(p));
	const struct btf_type *fp = btf__type_by_id(btf, p->type);
	ck_assert(btf_is_func_proto(fp));
	ck_assert_int_eq(btf_vlen(fp), 2);
	ck_assert_uint_eq(btf_params(fp)[1].type, 0); // ...
	const struct btf_type *q = btf__type_by_id(btf, member(btf, t, "cv")->type);
	const struct btf_type *q2 = btf__type_by_id(btf, q->type);
	ck_assert((btf_is_const(q) && btf_is_volatile(q2)) || (btf_is_volatile(q) && btf_is_const(q2)));
	check_member(btf, t, "cv", 128, 0);
	check_member(btf, t, "", 160, 0); // the anonymous union
	ck_assert(btf_is_union(btf__type_by_id(btf, member(btf, t, "")->type)));
	check_member(btf, t, "pair", 192, 0);
	p = btf__type_by_id(btf, member(btf, t, "opaque")->type);
	ck_assert(btf_is_fwd(btf__type_by_id(btf, p->type)));

	t = named(btf, "small", BTF_KIND_ENUM, NULL);
	ck_assert_uint_eq(t->size, 4);
	ck_assert_int_eq(btf_vlen(t), 2);
	ck_assert_int_eq(btf_enum(t)[0].val, -3);
	ck_assert_int_eq(btf_enum(t)[1].val, 225);
	t = named(btf, "big", BTF_KIND_ENUM64, NULL);
	ck_assert_uint_eq(t->size, 8);
	ck_assert_uint_eq(btf_enum64_value(&btf_enum64(t)[0]), 0x100000000ull);
	// The anonymous enum is there too.
	bool found = false;
	for (uint32_t i = 1; i < btf__type_cnt(btf); i++) {
		const struct btf_type *e = btf__type_by_id(btf, i);
		if (btf_is_enum(e) && !e->name_off && btf_vlen(e) == 1 &&
		    strcmp(btf__name_by_offset(btf, btf_enum(e)[0].name_off), "ANON_CONST") == 0)
			found = btf_enum(e)[0].val == 42;
	}
	ck_assert(found);

	// Global variables, with their types.
	const struct btf_type *v = named(btf, "g_bits", BTF_KIND_VAR, NULL);
	ck_assert_str_eq(btf__name_by_offset(btf, btf__type_by_id(btf, skip_mods(btf, v->type))->name_off),
			 "bits");
	named(btf, "g_node", BTF_KIND_VAR, NULL);
	ck_assert_int_eq(btf__resolve_size(btf, named(btf, "g_multi", BTF_KIND_VAR, NULL)->type), 48);
	btf__free(btf);
}

START_TEST(dwarf2)
{
	check_program(2); // member locations as DW_OP_plus_uconst blocks
}
END_TEST

START_TEST(dwarf4)
{
	check_program(4);
}
END_TEST

START_TEST(dwarf5)
{
	check_program(5);
}
END_TEST

START_TEST(no_dwarf)
{
	struct btf *btf = NULL;
	struct kd_dwarf_stats st;
	struct kd_error *err = kd_dwarf_to_btf("/nonexistent/vmlinux", &btf, &st);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_USAGE);
	kd_error_destroy(err);
}
END_TEST

static void cleanup(void)
{
	if (!dir[0])
		return;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
	Suite *s = suite_create("dwarf");
	TCase *tc = tcase_create("dwarf");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dwarf2);
	tcase_add_test(tc, dwarf4);
	tcase_add_test(tc, dwarf5);
	tcase_add_test(tc, no_dwarf);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#else

START_TEST(without)
{
	struct btf *btf = NULL;
	struct kd_dwarf_stats st;
	struct kd_error *err = kd_dwarf_to_btf("/nonexistent/vmlinux", &btf, &st);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err->msg, "kdive was built without lib"));
	kd_error_destroy(err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dwarf");
	TCase *tc = tcase_create("dwarf");
	tcase_add_test(tc, without);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
