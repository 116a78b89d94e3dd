// SPDX-License-Identifier: GPL-3.0-or-later
// Typed values in the dump's byte order: kd_member_extract (integers,
// enums, pointers, signed and unsigned bitfields) and the value printer
// (struct and p) on big-endian dumps (s390x, 4 KiB pages; ppc64, 64 KiB
// pages) and a little-endian control (riscv64), kdump-compressed and ELF.
// struct and p read kernel virtual memory, and kdive has no address
// translation for these machines, so the object is read from its physical
// address here and handed to the same functions struct and p call.  The
// dumps come from tests/tools/bedump.h (known values at known addresses);
// the types are BTF written by libbpf in the dump's byte order, with the bit
// offsets DWARF and BTF give for the fields on every machine.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include <kdive/print.h>
#include <kdive/types.h>

#include "core/session_priv.h"
#include "core/walk_priv.h"
#include "../tools/bedump.h"

static const struct bd_spec specs[] = {
	{ .be = true, .em = EM_S390, .machine = "s390x", .page_size = 4096 },
	{ .be = true, .em = EM_PPC64, .machine = "ppc64", .page_size = 65536 },
	{ .be = false, .em = EM_RISCV, .machine = "riscv64", .page_size = 4096 },
};

// struct kd_bt of bedump.h, in the given byte order.
static void write_btf(const char *path, bool be)
{
	struct btf *b = btf__new_empty();
	ck_assert_ptr_nonnull(b);
	int u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int u16 = btf__add_int(b, "short unsigned int", 2, 0);
	int ch = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	int dbl = btf__add_float(b, "double", 8);
	int ptr = btf__add_ptr(b, u64);
	int en = btf__add_enum(b, "kd_bt_kind", 4);
	ck_assert_int_eq(btf__add_enum_value(b, "KD_BT_ZERO", 0), 0);
	ck_assert_int_eq(btf__add_enum_value(b, "KD_BT_ONE", 1), 0);
	ck_assert_int_eq(btf__add_enum_value(b, "KD_BT_TWO", 2), 0);
	ck_assert_int_gt(btf__add_struct(b, "kd_bt", BD_STRUCT_SIZE), 0);
	static const struct {
		const char *name;
		unsigned bit, size;
	} f[] = {
		{ "ptr", 0, 0 }, { "neg", 64, 0 }, { "us", 96, 0 }, { "c", 112, 0 },
		{ "a", 128, 3 }, { "b", 131, 7 }, { "cc", 138, 22 }, { "d", 160, 4 }, { "e", 164, 28 },
		{ "f", 192, 12 }, { "g", 204, 40 }, { "h", 244, 12 }, { "kind", 256, 0 }, { "x", 320, 0 },
	};
	int types[] = { ptr, s32, u16, ch, u32, u32, u32, s32, u32, u64, u64, u64, en, dbl };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		ck_assert_int_eq(btf__add_field(b, f[i].name, types[i], f[i].bit, f[i].size), 0);
	ck_assert_int_eq(btf__set_endianness(b, be ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN), 0);
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(bd_write(path, raw, size), 0);
	btf__free(b);
}

static const struct {
	const char *path;
	uint64_t want;
} members[] = {
	{ "ptr", 0x000003ff12345678ull }, { "neg", (uint64_t)-3 }, { "us", 0x1234 }, { "c", 'A' },
	{ "a", 5 }, { "b", 0x55 }, { "cc", 0x2abcd }, { "d", (uint64_t)-3 }, { "e", 0xabcdef },
	{ "f", 0xabc }, { "g", 0x123456789aull }, { "h", 0xdef }, { "kind", 2 },
};

// What struct prints for the object: the gdb layout of 'help struct'.
static const char want_text[] = "{\n"
				"  ptr = 0x3ff12345678,\n"
				"  neg = -3,\n"
				"  us = 4660,\n"
				"  c = 65 'A',\n"
				"  a = 5,\n"
				"  b = 85,\n"
				"  cc = 175053,\n"
				"  d = -3,\n"
				"  e = 11259375,\n"
				"  f = 2748,\n"
				"  g = 78187493530,\n"
				"  h = 3567,\n"
				"  kind = KD_BT_TWO,\n"
				"  x = 2.5\n"
				"}";

static uint64_t list_seen[8], list_bad;
static size_t list_n;

static int list_node(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	(void)s, (void)arg;
	if (list_n < 8)
		list_seen[list_n++] = it->addr;
	return 0;
}

static void list_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s, (void)addr, (void)why, (void)arg;
}

// Physical reads; the node at list_bad is unreadable.
static struct kd_error *phys_read(struct kd_session *s, uint64_t addr, void *buf, size_t len)
{
	if (list_bad && addr < list_bad + 16 && addr + len > list_bad)
		return kd_error_addr(KD_ERR_NODATA, addr, "excluded (test)");
	return kd_read_phys(s, addr, buf, len);
}

static void check_dump(const struct bd_spec *sp, bool kdump)
{
	char dump[] = "/tmp/kdive-test-endian.XXXXXX", btf[] = "/tmp/kdive-test-endian-btf.XXXXXX";
	int fd = mkstemp(dump);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = mkstemp(btf);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(kdump ? bd_write_kdump(dump, sp) : bd_write_elf(dump, sp), 0);
	write_btf(btf, sp->be);
	struct kd_session_opts opts = { .btf = btf };
	struct kd_session *s = NULL;
	struct kd_error *err = kd_session_create(dump, &opts, &s);
	ck_assert_msg(!err, "%s %s: %s", sp->machine, kdump ? "kdump" : "elf", err ? err->msg : "");
	ck_assert_int_eq(kd_dump_big_endian(s), sp->be);
	err = kd_types_load(s);
	ck_assert_msg(!err, "%s: types: %s", sp->machine, err ? err->msg : "");
	unsigned char obj[BD_STRUCT_SIZE];
	ck_assert_ptr_null(kd_read_phys(s, sp->page_size + BD_STRUCT_OFF, obj, sizeof(obj)));
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		struct kd_member_info m;
		uint64_t v = 0;
		err = kd_type_member(s, "struct kd_bt", members[i].path, &m);
		ck_assert_msg(!err, "%s", err ? err->msg : "");
		err = kd_member_extract(s, &m, obj, sizeof(obj), &v);
		ck_assert_msg(!err, "%s", err ? err->msg : "");
		ck_assert_msg(v == members[i].want, "%s %s: %s = 0x%llx, want 0x%llx", sp->machine,
			      kdump ? "kdump" : "elf", members[i].path, (unsigned long long)v,
			      (unsigned long long)members[i].want);
	}
	uint32_t id;
	ck_assert_ptr_null(kd_type_find(s, "struct kd_bt", &id));
	char *text = NULL;
	size_t len = 0;
	s->out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(s->out);
	kd_print_value(s, id, obj, sizeof(obj), NULL);
	fclose(s->out);
	s->out = stdout;
	ck_assert_msg(strcmp(text, want_text) == 0, "%s %s: printed\n%s", sp->machine, kdump ? "kdump" : "elf",
		      text);
	free(text);
	// The container walkers read their links in the dump's order: the
	// list bd_fill wrote, walked forwards and then backwards past a lost
	// link, through physical reads.
	struct kd_walk w = { .fn = list_node, .lost = list_lost };
	struct kd_walk_ctx c;
	uint64_t head = sp->page_size + BD_LIST_OFF;
	for (int lose = 0; lose < 2; lose++) {
		list_n = 0;
		list_bad = lose ? head + 0x40 * 2 : 0;
		kd_walk_ctx_init(&c, s, phys_read, &w);
		ck_assert_int_eq(c.big_endian, sp->be);
		struct kd_list_layout ll = { .next = 0, .prev = 8 };
		kd_walk_list_core(&c, &ll, head, false);
		kd_error_destroy(kd_walk_ctx_finish(&c, "list node"));
		ck_assert_msg(list_n == (size_t)(BD_LIST_N - lose), "%s %s: %zu list nodes", sp->machine,
			      kdump ? "kdump" : "elf", list_n);
		for (size_t i = 0; i < list_n; i++)
			ck_assert_uint_eq(list_seen[i], head + 0x40 * (lose && i ? 3 : i + 1));
	}
	kd_session_destroy(s);
	unlink(dump);
	unlink(btf);
}

START_TEST(typed_values_follow_the_dump)
{
	check_dump(&specs[_i / 2], _i % 2);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("endian");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, typed_values_follow_the_dump, 0, 2 * (int)(sizeof(specs) / sizeof(specs[0])));
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
