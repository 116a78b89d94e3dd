// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the container walkers' core (shell/core/walk_priv.h) on
// synthetic memory: lists (forward, recovery backwards past a lost node or a
// loop), hlists, red-black trees (order, positions, a lost subtree), xarrays
// (two levels, indexes, value and internal entries, a lost node) and maple
// trees (an arange_64 root over leaf_64 nodes: ranges, a bad pivot).  Every
// test runs twice: memory little-endian, then big-endian (the links, indexes
// and pivots written in that order, the walk told the dump's order as
// kd_walk_ctx_init does from kd_dump_big_endian()).
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/walk_priv.h"

enum { MEM_BASE = 0x100000, MEM_SIZE = 0x10000 };
static uint8_t mem[MEM_SIZE];
static uint64_t hole = 0; // an unreadable 256-byte block (0 = none)
static bool be;           // the memory's byte order is big-endian

static struct kd_error *fake_read(struct kd_session *s, uint64_t addr, void *buf, size_t len)
{
	(void)s;
	if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE || addr + len < addr)
		return kd_error_addr(KD_ERR_FAULT, addr, "0x%llx: not mapped", (unsigned long long)addr);
	if (hole && addr < hole + 256 && addr + len > hole)
		return kd_error_addr(KD_ERR_NODATA, addr, "page excluded");
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return NULL;
}

static void put(uint64_t addr, uint64_t v)
{
	uint8_t *p = mem + (addr - MEM_BASE);
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

struct got {
	uint64_t addr[64], first[64], last[64];
	char path[64][32];
	size_t n;
	uint64_t lost[8];
	size_t nlost;
};

static int each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	(void)s;
	struct got *g = arg;
	ck_assert_uint_lt(g->n, 64);
	g->addr[g->n] = it->addr;
	g->first[g->n] = it->first;
	g->last[g->n] = it->last;
	if (it->path)
		strncpy(g->path[g->n], it->path, 31);
	g->n++;
	return 0;
}

static void lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s, (void)why;
	struct got *g = arg;
	if (g->nlost < 8)
		g->lost[g->nlost] = addr;
	g->nlost++;
}

static struct got g;
static struct kd_walk w;
static struct kd_walk_ctx c;

static bool started;

static void start(unsigned flags)
{
	if (started)
		kd_error_destroy(kd_walk_ctx_finish(&c, "x"));
	started = true;
	memset(&g, 0, sizeof(g));
	w = (struct kd_walk){ .fn = each, .lost = lost, .arg = &g, .flags = flags };
	kd_walk_ctx_init(&c, NULL, fake_read, &w);
	c.big_endian = be;
}

static void teardown(void)
{
	if (started)
		kd_error_destroy(kd_walk_ctx_finish(&c, "x"));
	started = false;
}

static void setup(void)
{
	memset(mem, 0, sizeof(mem));
	hole = 0;
	be = false;
}

static void setup_be(void)
{
	setup();
	be = true;
}

// ---- lists: head at 0x100000, nodes at 0x100100 + 0x100 * i ----
static const struct kd_list_layout LL = { .next = 0, .prev = 8 };
#define NODE(i) (MEM_BASE + 0x100 + 0x100 * (uint64_t)(i))

static void make_list(int n)
{
	uint64_t head = MEM_BASE;
	for (int i = 0; i < n; i++) {
		put(NODE(i), i + 1 < n ? NODE(i + 1) : head);
		put(NODE(i) + 8, i ? NODE(i - 1) : head);
	}
	put(head, NODE(0));
	put(head + 8, NODE(n - 1));
}

START_TEST(list_forward)
{
	make_list(5);
	start(0);
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(g.addr[i], NODE(i));
		ck_assert_uint_eq(g.first[i], (uint64_t)i);
	}
	ck_assert_uint_eq(g.nlost, 0);
	// From an element: that one first, then the rest and the head is
	// passed over like any node (an element-started list has no head).
	start(KD_WALK_START_NODE);
	kd_walk_list_core(&c, &LL, NODE(0), true);
	ck_assert_uint_eq(g.n, 6);
	ck_assert_uint_eq(g.addr[0], NODE(0));
	// Empty list.
	put(MEM_BASE, MEM_BASE);
	start(0);
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(list_lost_node_recovered_backwards)
{
	make_list(6);
	hole = NODE(2);
	start(0);
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.lost[0], NODE(2));
	// 0, 1 forwards; 3, 4, 5 backwards, handed over in list order.
	ck_assert_uint_eq(g.n, 5);
	uint64_t want[] = { NODE(0), NODE(1), NODE(3), NODE(4), NODE(5) };
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(g.addr[i], want[i]);
	ck_assert_uint_eq(w.nlost, 1);
}
END_TEST

START_TEST(list_loop_and_null)
{
	make_list(6);
	put(NODE(3), NODE(1)); // 3 -> 1: a loop that misses the head
	start(0);
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.n, 6); // 0..3 forwards, 4 and 5 backwards
	ck_assert_uint_eq(g.addr[4], NODE(4));
	ck_assert_uint_eq(g.addr[5], NODE(5));
	make_list(4);
	put(NODE(1), 0);
	put(NODE(3) + 8, 0); // and a NULL prev: recovery stops at once
	start(0);
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 3); // 0, 1 forwards, 3 backwards
	ck_assert_uint_eq(g.addr[2], NODE(3));
	ck_assert_uint_eq(g.nlost, 2);
	// An unreadable head: nothing, one loss.
	start(0);
	kd_walk_list_core(&c, &LL, 0x10, false);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.nlost, 1);
}
END_TEST

START_TEST(hlist)
{
	const struct kd_list_layout hl = { .next = 0, .prev = 0 };
	put(MEM_BASE, NODE(0));
	for (int i = 0; i < 3; i++)
		put(NODE(i), i < 2 ? NODE(i + 1) : 0);
	start(0);
	kd_walk_hlist_core(&c, &hl, MEM_BASE);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(g.addr[2], NODE(2));
	put(NODE(2), NODE(0)); // a loop: each node once
	start(0);
	kd_walk_hlist_core(&c, &hl, MEM_BASE);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.n, 3);
}
END_TEST

// ---- red-black tree: rb_node {parent_color, right, left} as the kernel ----
static const struct kd_rb_layout RB = { .root = 0, .left = 16, .right = 8 };

static void rb_set(int i, int left, int right)
{
	put(NODE(i) + 16, left >= 0 ? NODE(left) : 0);
	put(NODE(i) + 8, right >= 0 ? NODE(right) : 0);
}

START_TEST(rbtree_inorder)
{
	// Keys are node numbers:      3
	//                           1     5
	//                          0 2   4 6
	put(MEM_BASE, NODE(3));
	rb_set(3, 1, 5), rb_set(1, 0, 2), rb_set(5, 4, 6);
	rb_set(0, -1, -1), rb_set(2, -1, -1), rb_set(4, -1, -1), rb_set(6, -1, -1);
	start(KD_WALK_PATH);
	kd_walk_rbtree_core(&c, &RB, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 7);
	for (int i = 0; i < 7; i++)
		ck_assert_uint_eq(g.addr[i], NODE(i));
	ck_assert_str_eq(g.path[0], "root/l/l");
	ck_assert_str_eq(g.path[3], "root");
	ck_assert_str_eq(g.path[4], "root/r/l");
	ck_assert_str_eq(g.path[6], "root/r/r");
	// A lost subtree: node 5 unreadable loses 4, 5, 6.
	hole = NODE(5);
	start(0);
	kd_walk_rbtree_core(&c, &RB, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.lost[0], NODE(5));
	// A loop back to the root: each node once, the loop reported.
	hole = 0;
	rb_set(6, 3, -1);
	start(0);
	kd_walk_rbtree_core(&c, &RB, MEM_BASE, false);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.n, 7);
}
END_TEST

// ---- xarray: xa_node {shift, offset, count, nr_values, parent, array, list, slots[16]} ----
static const struct kd_xa_layout XL = { .head = 8, .shift = 0, .slots = 40, .nslots = 16, .chunk_shift = 4 };

START_TEST(xarray_two_levels)
{
	uint64_t xa = MEM_BASE, root = NODE(0), leaf = NODE(2);
	put(xa + 8, root + 2);
	mem[root - MEM_BASE] = 4;                    // shift 4: slots span 16 indexes
	put(root + 40 + 8 * 0, 0xdead000);           // index 0 (a multi-index entry: 0..15)
	put(root + 40 + 8 * 3, leaf + 2);            // indexes 48..63
	put(root + 40 + 8 * 5, 0x402);               // a retry entry: skipped
	mem[leaf - MEM_BASE] = 0;
	put(leaf + 40 + 8 * 1, 0xbeef000);           // index 49
	put(leaf + 40 + 8 * 15, (7 << 1) | 1);       // index 63: a value entry
	put(leaf + 40 + 8 * 2, (1 << 2) | 2);        // a sibling of slot 1: 49 covers 49..50
	put(leaf + 40 + 8 * 4, (1 << 2) | 2);        // a stray sibling: skipped
	start(KD_WALK_PATH);
	kd_walk_xarray_core(&c, &XL, xa, false, 0);
	ck_assert_uint_eq(g.nlost, 0);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(g.addr[0], 0xdead000);
	ck_assert_uint_eq(g.first[0], 0);
	ck_assert_uint_eq(g.last[0], 15);
	ck_assert_uint_eq(g.addr[1], 0xbeef000);
	ck_assert_uint_eq(g.first[1], 49);
	ck_assert_uint_eq(g.last[1], 50);
	ck_assert_str_eq(g.path[1], "root/3/1");
	ck_assert_uint_eq(g.first[2], 63);
	// IDR-style base.
	start(0);
	kd_walk_xarray_core(&c, &XL, xa, false, 100);
	ck_assert_uint_eq(g.first[1], 149);
	// A child with the wrong shift is lost, the rest stays.
	mem[leaf - MEM_BASE] = 8;
	start(0);
	kd_walk_xarray_core(&c, &XL, xa, false, 0);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.n, 1);
	// An unreadable child.
	mem[leaf - MEM_BASE] = 0;
	hole = leaf;
	start(0);
	kd_walk_xarray_core(&c, &XL, xa, false, 0);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.lost[0], leaf);
	// A single entry in the head is index 0.
	put(xa + 8, 0xabc000);
	start(0);
	kd_walk_xarray_core(&c, &XL, xa, false, 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.first[0], 0);
}
END_TEST

// ---- maple tree: 256-byte nodes, 6.1's layout ----
static struct kd_maple_layout maple_layout(void)
{
	struct kd_maple_layout l = { .root = 8, .node_size = 256, .type = { 0, 1, 2, 3 } };
	l.t[KD_MT_DENSE].slot = 8, l.t[KD_MT_DENSE].nslots = 31;
	l.t[KD_MT_RANGE64].pivot = 8, l.t[KD_MT_RANGE64].npivots = 15;
	l.t[KD_MT_RANGE64].slot = 128, l.t[KD_MT_RANGE64].nslots = 16, l.t[KD_MT_RANGE64].meta_end = 248;
	l.t[KD_MT_LEAF64] = l.t[KD_MT_RANGE64];
	l.t[KD_MT_ARANGE64].pivot = 8, l.t[KD_MT_ARANGE64].npivots = 9;
	l.t[KD_MT_ARANGE64].slot = 80, l.t[KD_MT_ARANGE64].nslots = 10, l.t[KD_MT_ARANGE64].meta_end = 240;
	return l;
}

#define MNODE(i) (MEM_BASE + 0x1000 + 0x100 * (uint64_t)(i))
static uint64_t enode(int i, int type) { return MNODE(i) | ((uint64_t)type << 3) | 4; }

START_TEST(maple_ranges)
{
	struct kd_maple_layout l = maple_layout();
	uint64_t mt = MEM_BASE;
	put(mt + 8, enode(0, 3) | 2);                // root: arange_64, marked as a root
	// root: [0, 0xfff] -> leaf 1, [0x1000, max] -> leaf 2; meta end 1
	put(MNODE(0) + 8, 0xfff);
	put(MNODE(0) + 80, enode(1, 1));
	put(MNODE(0) + 88, enode(2, 1));
	mem[MNODE(0) + 240 - MEM_BASE] = 1;
	// leaf 1: NULL 0..0x3ff, A 0x400..0x7ff, NULL to 0xfff (last pivot 0: meta end 2)
	put(MNODE(1) + 8, 0x3ff), put(MNODE(1) + 16, 0x7ff), put(MNODE(1) + 24, 0xfff);
	put(MNODE(1) + 128 + 8, 0xa000);
	mem[MNODE(1) + 248 - MEM_BASE] = 2;
	// leaf 2: B 0x1000..0x1fff, NULL to max
	put(MNODE(2) + 8, 0x1fff), put(MNODE(2) + 16, UINT64_MAX);
	put(MNODE(2) + 128, 0xb000);
	mem[MNODE(2) + 248 - MEM_BASE] = 1;
	start(KD_WALK_PATH);
	kd_walk_maple_core(&c, &l, mt, false);
	ck_assert_uint_eq(g.nlost, 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.addr[0], 0xa000);
	ck_assert_uint_eq(g.first[0], 0x400);
	ck_assert_uint_eq(g.last[0], 0x7ff);
	ck_assert_str_eq(g.path[0], "root/0/1");
	ck_assert_uint_eq(g.addr[1], 0xb000);
	ck_assert_uint_eq(g.first[1], 0x1000);
	ck_assert_uint_eq(g.last[1], 0x1fff);
	// A pivot going backwards: that leaf is lost, the other stays.
	put(MNODE(1) + 16, 0x100);
	start(0);
	kd_walk_maple_core(&c, &l, mt, false);
	ck_assert_uint_eq(g.nlost, 1);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.addr[0], 0xb000);
	// An unknown node type.
	put(MNODE(0) + 80, MNODE(1) | (9 << 3));
	start(0);
	kd_walk_maple_core(&c, &l, mt, false);
	ck_assert_uint_eq(g.nlost, 1);
	// A single entry at the root covers index 0.
	put(mt + 8, 0xc000);
	start(0);
	kd_walk_maple_core(&c, &l, mt, false);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.last[0], 0);
}
END_TEST

static int stop_at_two(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	(void)it;
	return each(s, it, arg) || g.n == 2;
}

START_TEST(stop)
{
	make_list(5);
	start(0);
	w.fn = stop_at_two;
	kd_walk_list_core(&c, &LL, MEM_BASE, false);
	ck_assert_uint_eq(g.n, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("walk");
	for (int order = 0; order < 2; order++) {
		TCase *tc = tcase_create(order ? "walk, big-endian memory" : "walk");
		tcase_add_checked_fixture(tc, order ? setup_be : setup, teardown);
		tcase_add_test(tc, list_forward);
		tcase_add_test(tc, list_lost_node_recovered_backwards);
		tcase_add_test(tc, list_loop_and_null);
		tcase_add_test(tc, hlist);
		tcase_add_test(tc, rbtree_inorder);
		tcase_add_test(tc, xarray_two_levels);
		tcase_add_test(tc, maple_ranges);
		tcase_add_test(tc, stop);
		suite_add_tcase(s, tc);
	}
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
