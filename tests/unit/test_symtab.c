// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the symbol table's storage (shell/core/symtab.c) without a
// dump: names that repeat keep their insertion order, a file's size reaches
// the entry it duplicates, module images tag their symbols and list them in
// address order.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/symtab.h"

struct seen {
	char names[8][32];
	size_t n;
};

static int collect(const struct kd_symbol *sym, void *arg)
{
	struct seen *c = arg;
	if (c->n < 8)
		strncpy(c->names[c->n++], sym->name, 31);
	return 0;
}

START_TEST(storage)
{
	struct kd_symtab *t = kd_symtab_create();
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(kd_symtab_reserve(t, 4));
	ck_assert_ptr_null(kd_symtab_add(t, "init_task_XX", 9, 'D', 0xffffffff81e0a440, 0, 0));
	ck_assert_ptr_null(kd_symtab_add(t, "helper", 6, 't', 0xffffffff81000200, 0, 0));
	ck_assert_ptr_null(kd_symtab_add(t, "helper", 6, 't', 0xffffffff81000100, 0, 0));
	ck_assert_uint_eq(kd_symtab_count(t), 3);

	struct kd_symbol sym;
	ck_assert(kd_symtab_find(t, "init_task", &sym));
	ck_assert_str_eq(sym.name, "init_task");
	ck_assert_uint_eq(sym.address, 0xffffffff81e0a440);
	ck_assert_ptr_null(sym.module);
	ck_assert(!kd_symtab_find(t, "init_task_XX", &sym));
	// Of two "helper"s the first added is found.
	ck_assert(kd_symtab_find(t, "helper", &sym));
	ck_assert_uint_eq(sym.address, 0xffffffff81000200);

	// A merged file's symbol at the same address lends its size only.
	ck_assert(kd_symtab_has_at(t, "helper", 0xffffffff81000100, 48));
	ck_assert(!kd_symtab_has_at(t, "helper", 0xffffffff81000300, 48));
	kd_symtab_get(t, 2, &sym);
	ck_assert_uint_eq(sym.size, 48);
	kd_symtab_get(t, 1, &sym);
	ck_assert_uint_eq(sym.size, 0);

	// A module image: its symbols carry its name, listed by address.
	uint32_t id;
	ck_assert_ptr_null(kd_symtab_add_image(t, "loop", 0xffffffffc0537000, 0x8000, &id));
	ck_assert_uint_eq(id, 1);
	ck_assert_ptr_null(kd_symtab_add(t, "loop_probe", 10, 't', 0xffffffffc0538340, 64, id));
	ck_assert_ptr_null(kd_symtab_add(t, "lo_release", 10, 't', 0xffffffffc0537ab0, 96, id));
	ck_assert(kd_symtab_find(t, "lo_release", &sym));
	ck_assert_str_eq(sym.module, "loop");
	struct seen c = { .n = 0 };
	ck_assert_ptr_null(kd_symtab_foreach_image(t, id, collect, &c));
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.names[0], "lo_release");
	ck_assert_str_eq(c.names[1], "loop_probe");
	c.n = 0;
	ck_assert_ptr_null(kd_symtab_foreach_image(t, 0, collect, &c));
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.names[0], "helper");
	ck_assert_str_eq(c.names[2], "init_task");
	kd_symtab_destroy(t);
	kd_symtab_destroy(NULL);
}
END_TEST

START_TEST(many)
{
	// Past the first hash and arena sizes: every name is still found.
	struct kd_symtab *t = kd_symtab_create();
	char name[32];
	for (unsigned i = 0; i < 70000; i++) {
		int len = snprintf(name, sizeof(name), "sym_%u", i);
		ck_assert_ptr_null(kd_symtab_add(t, name, (size_t)len, 'T', 0xffffffff81000000 + 16ull * i, 0, 0));
	}
	struct kd_symbol sym;
	ck_assert(kd_symtab_find(t, "sym_69999", &sym));
	ck_assert_uint_eq(sym.address, 0xffffffff81000000 + 16ull * 69999);
	ck_assert(kd_symtab_find(t, "sym_0", &sym));
	ck_assert_ptr_null(kd_symtab_index(t));
	kd_symtab_destroy(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("symtab");
	TCase *tc = tcase_create("symtab");
	tcase_add_test(tc, storage);
	tcase_add_test(tc, many);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
