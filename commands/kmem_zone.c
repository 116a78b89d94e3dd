// SPDX-License-Identifier: GPL-3.0-or-later
// kmem -z, -f, -F and -n: nodes (struct pglist_data, node_data[] or
// contig_page_data), their zones (struct zone: span, watermarks, vm_stat,
// free_area[] with one list per migrate type; include/linux/mmzone.h) and
// the SPARSEMEM sections (<kdive/page.h>).  The free lists are walked with
// a bound and cycle detection; nr_free is the kernel's own count
// (/proc/buddyinfo), the per-type counts are what /proc/pagetypeinfo walks.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "kmem.h"

enum { MAX_NODES = 1 << 12, MAX_ORDERS = 64, MAX_MT = 16, MAX_LIST = 1 << 24 };

struct kd_error *kmem_nodes(struct kd_session *s, uint64_t **addr_ret, int **id_ret, size_t *n_ret)
{
	uint64_t nd, nr = 1, a;
	struct kd_error *err;
	*addr_ret = NULL;
	*id_ret = NULL;
	*n_ret = 0;
	if (!kmem_ok(kd_symbol_address(s, "node_data", &nd))) {
		if ((err = kd_symbol_address(s, "contig_page_data", &a)))
			return kd_error_prefix(err, "finding the nodes (node_data or contig_page_data)");
		*addr_ret = malloc(sizeof(uint64_t));
		*id_ret = calloc(1, sizeof(int));
		if (!*addr_ret || !*id_ret)
			return &kd_enomem;
		**addr_ret = a;
		*n_ret = 1;
		return NULL;
	}
	if (!kmem_ok(kmem_read_sym(s, "nr_node_ids", 4, &nr)) || nr == 0 || nr > MAX_NODES)
		nr = 1;
	uint64_t *addr = calloc(nr, sizeof(uint64_t));
	int *id = calloc(nr, sizeof(int));
	uint8_t *b = malloc(nr * 8);
	if (!addr || !id || !b) {
		free(addr);
		free(id);
		free(b);
		return &kd_enomem;
	}
	if ((err = kd_read_kernel(s, nd, b, nr * 8))) {
		free(addr);
		free(id);
		free(b);
		return kd_error_prefix(err, "reading node_data");
	}
	size_t n = 0;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t p = kd_dump_u64(s, b + i * 8);
		if (!p)
			continue;
		addr[n] = p;
		id[n] = (int)i;
		n++;
	}
	free(b);
	*addr_ret = addr;
	*id_ret = id;
	*n_ret = n;
	return NULL;
}

static unsigned max_zones(struct kd_session *s)
{
	struct kd_member_info m;
	if (kmem_ok(kd_type_member(s, "pglist_data", "node_zones", &m)) && m.nelems && m.nelems < 16)
		return (unsigned)m.nelems;
	return 0;
}

struct kd_error *kmem_zones(struct kd_session *s, struct kmem_zone **ret, size_t *n_ret)
{
	uint64_t *nodes;
	int *ids;
	size_t nn;
	*ret = NULL;
	*n_ret = 0;
	struct kd_error *err = kmem_nodes(s, &nodes, &ids, &nn);
	if (err)
		return err;
	unsigned nz = max_zones(s);
	struct kd_member_info zones;
	uint64_t zsize;
	if (!nz || (err = kd_type_member(s, "pglist_data", "node_zones", &zones)) ||
	    (err = kd_type_size(s, "zone", &zsize))) {
		free(nodes);
		free(ids);
		return err ? err : kd_error_create(KD_ERR_NOTFOUND, "the types have no pglist_data.node_zones");
	}
	struct kmem_zone *z = calloc(nn * nz + 1, sizeof(*z));
	if (!z) {
		free(nodes);
		free(ids);
		return &kd_enomem;
	}
	size_t n = 0;
	const char *wm = "_watermark";
	struct kd_member_info m;
	if (!kmem_ok(kd_type_member(s, "zone", wm, &m)))
		wm = "watermark";
	for (size_t i = 0; i < nn && !err; i++) {
		for (unsigned j = 0; j < nz; j++) {
			struct kmem_zone *zz = &z[n];
			zz->addr = nodes[i] + zones.offset + j * zsize;
			zz->node = ids[i];
			zz->idx = (int)j;
			uint8_t *b;
			size_t len;
			if ((err = kmem_read_obj(s, "zone", zz->addr, &b, &len)))
				break;
			uint64_t name = 0;
			char path[32];
			kmem_ok(kmem_field(s, "zone", "name", b, len, &name));
			if (!name || !kmem_ok(kmem_read_str(s, name, zz->name, sizeof(zz->name))))
				snprintf(zz->name, sizeof(zz->name), "zone%u", j);
			kmem_ok(kmem_field(s, "zone", "zone_start_pfn", b, len, &zz->start_pfn));
			kmem_ok(kmem_field(s, "zone", "spanned_pages", b, len, &zz->spanned));
			kmem_ok(kmem_field(s, "zone", "present_pages", b, len, &zz->present));
			if (!kmem_ok(kmem_field(s, "zone", "managed_pages.counter", b, len, &zz->managed)))
				kmem_ok(kmem_field(s, "zone", "managed_pages", b, len, &zz->managed));
			for (int k = 0; k < 3; k++) {
				snprintf(path, sizeof(path), "%s[%d]", wm, k);
				kmem_ok(kmem_field(s, "zone", path, b, len, &zz->wmark[k]));
			}
			kmem_ok(kmem_field(s, "zone", "watermark_boost", b, len, &zz->boost));
			free(b);
			n++;
		}
	}
	free(nodes);
	free(ids);
	if (err) {
		free(z);
		return err;
	}
	*ret = z;
	*n_ret = n;
	return NULL;
}

const struct kmem_zone *kmem_zone_of(const struct kmem_zone *z, size_t n, uint64_t pfn)
{
	for (size_t i = 0; i < n; i++)
		if (z[i].spanned && pfn >= z[i].start_pfn && pfn < z[i].start_pfn + z[i].spanned)
			return &z[i];
	return NULL;
}

// The first name of each value of an enum below its count enumerator.
static char **enum_names(struct kd_session *s, const char *type, const char *count_name, unsigned *n_ret)
{
	uint32_t id;
	struct kd_type_info ti;
	int64_t cnt;
	char full[64];
	*n_ret = 0;
	snprintf(full, sizeof(full), "enum %s", type);
	if (!kmem_ok(kd_type_find(s, full, &id)) || !kmem_ok(kd_type_get(s, id, &ti)) ||
	    !kmem_ok(kd_enum_value(s, type, count_name, &cnt)) || cnt <= 0 || cnt > 4096)
		return NULL;
	char **v = calloc((size_t)cnt, sizeof(char *));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < ti.nmembers; i++) {
		const char *name;
		int64_t val;
		if (kmem_ok(kd_enum_at(s, id, i, &name, &val)) && val >= 0 && val < cnt && !v[val])
			v[val] = (char *)name; // the types' strings live as long as the session
	}
	*n_ret = (unsigned)cnt;
	return v;
}

struct kd_error *kmem_zone_show(struct kd_session *s)
{
	struct kmem_zone *z;
	size_t n;
	struct kd_error *err = kmem_zones(s, &z, &n);
	if (err)
		return err;
	unsigned ns;
	char **names = enum_names(s, "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS", &ns);
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = NULL;
		size_t len = 0;
		struct kd_error *e = kmem_read_obj(s, "zone", z[i].addr, &b, &len);
		if (e) {
			if (!err)
				err = e;
			else
				kd_error_destroy(e);
			continue;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "node", z[i].node);
			kd_json_i64(s, "zone", z[i].idx);
			kd_json_hex(s, "addr", z[i].addr);
			kd_json_string(s, "name", z[i].name);
			kd_json_u64(s, "start_pfn", z[i].start_pfn);
			kd_json_u64(s, "spanned", z[i].spanned);
			kd_json_u64(s, "present", z[i].present);
			kd_json_u64(s, "managed", z[i].managed);
			kd_json_u64(s, "min", z[i].wmark[0] + z[i].boost);
			kd_json_u64(s, "low", z[i].wmark[1] + z[i].boost);
			kd_json_u64(s, "high", z[i].wmark[2] + z[i].boost);
			kd_json_u64(s, "boost", z[i].boost);
			kd_json_begin_object(s, "vm_stat");
		} else {
			kd_printf(s, "%sNODE: %d  ZONE: %d  ADDR: %016" PRIx64 "  NAME: \"%s\"\n", i ? "\n" : "",
				  z[i].node, z[i].idx, z[i].addr, z[i].name);
			kd_printf(s, "  SIZE: %" PRIu64 "  PRESENT: %" PRIu64 "  MANAGED: %" PRIu64
				  "  START_PFN: %" PRIu64 "\n", z[i].spanned, z[i].present, z[i].managed,
				  z[i].start_pfn);
			kd_printf(s, "  MIN/LOW/HIGH: %" PRIu64 "/%" PRIu64 "/%" PRIu64 "  BOOST: %" PRIu64 "\n",
				  z[i].wmark[0] + z[i].boost, z[i].wmark[1] + z[i].boost,
				  z[i].wmark[2] + z[i].boost, z[i].boost);
			kd_printf(s, "  VM_STAT:\n");
		}
		for (unsigned k = 0; k < ns; k++) {
			char path[48];
			uint64_t v;
			snprintf(path, sizeof(path), "vm_stat[%u].counter", k);
			if (!names[k] || !kmem_ok(kmem_field(s, "zone", path, b, len, &v)))
				continue;
			int64_t sv = (int64_t)v < 0 ? 0 : (int64_t)v; // as zone_page_state() clamps
			if (json)
				kd_json_i64(s, names[k], sv);
			else
				kd_printf(s, "  %25s: %" PRId64 "\n", names[k], sv);
		}
		if (json) {
			kd_json_end_object(s);
			kd_json_end_object(s);
		}
		free(b);
	}
	if (json)
		kd_json_end_array(s);
	free(names);
	free(z);
	return err;
}

/* ---- free lists ---- */

struct freeinfo {
	unsigned norders, nmt;
	uint64_t lru_off;                  // the list_head in struct page the free lists use
	uint64_t fa_off, fa_size, fl_off, nr_free_off;
	char mt_names[MAX_MT][24];
};

static struct kd_error *free_setup(struct kd_session *s, struct freeinfo *fi)
{
	struct kd_member_info m;
	struct kd_error *err;
	memset(fi, 0, sizeof(*fi));
	if ((err = kd_type_member(s, "zone", "free_area", &m)))
		return err;
	fi->fa_off = m.offset;
	fi->norders = m.nelems < MAX_ORDERS ? (unsigned)m.nelems : MAX_ORDERS;
	if ((err = kd_type_size(s, "free_area", &fi->fa_size)) ||
	    (err = kd_type_member(s, "free_area", "free_list", &m)))
		return err;
	fi->fl_off = m.offset;
	fi->nmt = m.nelems < MAX_MT ? (unsigned)m.nelems : MAX_MT;
	if ((err = kd_type_member(s, "free_area", "nr_free", &m)))
		return err;
	fi->nr_free_off = m.offset;
	if (!kmem_ok(kd_type_member(s, "page", "buddy_list", &m)) && (err = kd_type_member(s, "page", "lru", &m)))
		return err;
	fi->lru_off = m.offset;
	// The kernel's own names of the migrate types (migratetype_names[]).
	uint64_t names;
	bool have = kmem_ok(kd_symbol_address(s, "migratetype_names", &names));
	for (unsigned t = 0; t < fi->nmt; t++) {
		uint8_t b[8];
		if (have && kmem_ok(kd_read_kernel(s, names + t * 8, b, 8)) &&
		    kmem_ok(kmem_read_str(s, kd_dump_u64(s, b), fi->mt_names[t], sizeof(fi->mt_names[t]))) &&
		    fi->mt_names[t][0])
			continue;
		snprintf(fi->mt_names[t], sizeof(fi->mt_names[t]), "type%u", t);
	}
	return NULL;
}

// Walk one free list, counting its blocks (and listing them with each).
// A list that cannot be followed to its end is reported and its count is
// what was seen so far.
static struct kd_error *walk_list(struct kd_session *s, const struct freeinfo *fi, uint64_t head, bool each,
				  unsigned order, uint64_t limit, uint64_t *count)
{
	uint8_t b[8];
	struct kd_cycle c = { 0 };
	*count = 0;
	struct kd_error *err = kd_read_kernel(s, head, b, 8);
	uint64_t node = err ? 0 : kd_dump_u64(s, b);
	while (!err && node != head) {
		if (!node || kd_cycle_step(&c, node) || *count >= limit) {
			err = kd_error_addr(KD_ERR_CORRUPT, head, "the free list at %016" PRIx64
					    " does not return to its head", head);
			break;
		}
		if ((err = kd_check_interrupt(s)))
			break;
		(*count)++;
		if (each) {
			uint64_t page = node - fi->lru_off, pfn;
			if (kmem_ok(kd_page_to_pfn(s, page, &pfn)))
				kd_printf(s, "      %016" PRIx64 "  %10" PRIx64 "  (%" PRIu64 " pages)\n", page,
					  pfn * kd_page_size(s), (uint64_t)1 << order);
			else
				kd_printf(s, "      %016" PRIx64 "  ?\n", page);
		}
		if ((err = kd_read_kernel(s, node, b, 8)))
			err = kd_error_prefix(err, "following the free list at %016" PRIx64, head);
		else
			node = kd_dump_u64(s, b);
	}
	return err;
}

struct kd_error *kmem_free_show(struct kd_session *s, bool each)
{
	struct freeinfo fi;
	struct kd_error *err = free_setup(s, &fi), *first = NULL;
	if (err)
		return err;
	struct kmem_zone *z;
	size_t n;
	if ((err = kmem_zones(s, &z, &n)))
		return err;
	kmem_ok(kd_pages_load(s)); // -F prints physical addresses when it can
	bool json = kd_json_mode(s);
	uint64_t psize = kd_page_size(s), total = 0;
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_begin_array(s, "migrate_types");
		for (unsigned t = 0; t < fi.nmt; t++)
			kd_json_string(s, NULL, fi.mt_names[t]);
		kd_json_end_array(s);
		kd_json_begin_array(s, "zones");
	}
	uint64_t (*bytype)[MAX_MT] = calloc(fi.norders ? fi.norders : 1, sizeof(*bytype));
	if (!bytype) {
		free(z);
		return &kd_enomem;
	}
	for (size_t i = 0; i < n && !(first && first->code == KD_ERR_INTERRUPTED); i++) {
		if (!z[i].present)
			continue;
		uint8_t *b;
		size_t len;
		if ((err = kmem_read_obj(s, "zone", z[i].addr, &b, &len))) {
			if (!first)
				first = err;
			else
				kd_error_destroy(err);
			continue;
		}
		uint64_t free_pages = 0, mem_map = 0;
		for (unsigned o = 0; o < fi.norders; o++)
			free_pages += kd_dump_u64(s, b + fi.fa_off + o * fi.fa_size + fi.nr_free_off) << o;
		kmem_ok(kd_pfn_to_page(s, z[i].start_pfn, &mem_map));
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "node", z[i].node);
			kd_json_i64(s, "zone", z[i].idx);
			kd_json_string(s, "name", z[i].name);
			kd_json_u64(s, "size", z[i].spanned);
			kd_json_u64(s, "free", free_pages);
			kd_json_hex(s, "mem_map", mem_map);
			kd_json_begin_array(s, "orders");
		} else {
			kd_printf(s, "%sNODE %d  ZONE %d  NAME %-8s  SIZE %" PRIu64 "  FREE %" PRIu64 "  MEM_MAP %016"
				  PRIx64 "  START_PADDR %" PRIx64 "  START_MAPNR %" PRIu64 "\n", total++ ? "\n" : "",
				  z[i].node, z[i].idx, z[i].name, z[i].spanned, free_pages, mem_map,
				  z[i].start_pfn * psize, z[i].start_pfn);
			kd_printf(s, "AREA    SIZE  FREE_AREA_STRUCT      BLOCKS      PAGES\n");
		}
		for (unsigned o = 0; o < fi.norders; o++) {
			uint64_t fa = z[i].addr + fi.fa_off + o * fi.fa_size;
			uint64_t nr = kd_dump_u64(s, b + fi.fa_off + o * fi.fa_size + fi.nr_free_off);
			char sz[32];
			kd_format_size(sz, sizeof(sz), (double)(psize << o), 1, "", false);
			for (char *c = sz; *c; c++)
				*c = (char)(*c == 'K' ? 'k' : *c == 'B' ? 0 : *c);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_u64(s, "order", o);
				kd_json_hex(s, "free_area", fa);
				kd_json_u64(s, "blocks", nr);
				kd_json_u64(s, "pages", nr << o);
				kd_json_begin_object(s, "by_type");
			} else {
				kd_printf(s, "%4u %7s  %016" PRIx64 "  %10" PRIu64 " %10" PRIu64 "\n", o, sz, fa, nr,
					  nr << o);
			}
			for (unsigned t = 0; t < fi.nmt; t++) {
				uint64_t head = fa + fi.fl_off + t * 16, cnt = 0;
				if (each && !json)
					kd_printf(s, "    %s:\n", fi.mt_names[t]);
				// No list holds more blocks than the zone spans.
				uint64_t limit = (z[i].spanned >> o) + 1;
				err = walk_list(s, &fi, head, each && !json, o, limit < MAX_LIST ? limit : MAX_LIST, &cnt);
				bytype[o][t] = cnt;
				if (json)
					kd_json_u64(s, fi.mt_names[t], cnt);
				if (err) {
					kd_warn(s, "%s", err->msg);
					if (!first)
						first = err;
					else
						kd_error_destroy(err);
				}
			}
			if (json) {
				kd_json_end_object(s);
				kd_json_end_object(s);
			}
		}
		if (json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		} else {
			// /proc/pagetypeinfo's lines, from the same walk.
			kd_printf(s, "FREE BLOCKS BY MIGRATE TYPE (order 0 to %u):\n", fi.norders - 1);
			for (unsigned t = 0; t < fi.nmt; t++) {
				kd_printf(s, "Node %4d, zone %8s, type %12s ", z[i].node, z[i].name, fi.mt_names[t]);
				for (unsigned o = 0; o < fi.norders; o++)
					kd_printf(s, "%6" PRIu64 " ", bytype[o][t]);
				kd_printf(s, "\n");
			}
		}
		free(b);
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	free(bytype);
	free(z);
	return first;
}

struct kd_error *kmem_free_block(struct kd_session *s, uint64_t pfn, bool *free_ret, uint64_t *head_pfn,
				 unsigned *order)
{
	struct kd_member_info m;
	*free_ret = false;
	struct kd_error *err = kd_type_member(s, "zone", "free_area", &m);
	if (err)
		return err;
	for (unsigned o = 0; o < m.nelems && o < MAX_ORDERS; o++) {
		uint64_t h = pfn & ~((1ull << o) - 1), page;
		struct kd_page pg;
		if (!kmem_ok(kd_pfn_to_page(s, h, &page)) || !kmem_ok(kd_page_read(s, page, &pg)))
			continue;
		if ((pg.types & KD_PT_BUDDY) && pg.order >= o) {
			if (pfn < h + (1ull << pg.order)) {
				*free_ret = true;
				*head_pfn = h;
				*order = pg.order;
			}
			return NULL;
		}
	}
	return NULL;
}

/* ---- -n ---- */

struct kd_error *kmem_nodes_show(struct kd_session *s)
{
	struct kd_error *err = kd_pages_load(s), *first = NULL;
	if (err)
		return err;
	uint64_t *nodes;
	int *ids;
	size_t nn;
	if ((err = kmem_nodes(s, &nodes, &ids, &nn)))
		return err;
	struct kmem_zone *z = NULL;
	size_t nz = 0;
	if ((err = kmem_zones(s, &z, &nz))) {
		free(nodes);
		free(ids);
		return err;
	}
	bool json = kd_json_mode(s);
	uint64_t psize = kd_page_size(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_begin_array(s, "nodes");
	}
	for (size_t i = 0; i < nn; i++) {
		uint8_t *b;
		size_t len;
		uint64_t start = 0, spanned = 0, present = 0, mem_map = 0;
		if ((err = kmem_read_obj(s, "pglist_data", nodes[i], &b, &len))) {
			if (!first)
				first = err;
			else
				kd_error_destroy(err);
			continue;
		}
		kmem_ok(kmem_field(s, "pglist_data", "node_start_pfn", b, len, &start));
		kmem_ok(kmem_field(s, "pglist_data", "node_spanned_pages", b, len, &spanned));
		kmem_ok(kmem_field(s, "pglist_data", "node_present_pages", b, len, &present));
		free(b);
		kmem_ok(kd_pfn_to_page(s, start, &mem_map));
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "node", ids[i]);
			kd_json_hex(s, "pglist_data", nodes[i]);
			kd_json_u64(s, "size", spanned);
			kd_json_u64(s, "present", present);
			kd_json_u64(s, "start_pfn", start);
			kd_json_hex(s, "mem_map", mem_map);
			kd_json_begin_array(s, "zones");
		} else {
			kd_printf(s, "NODE    SIZE      PGLIST_DATA       MEM_MAP           START_PADDR  START_MAPNR\n");
			kd_printf(s, "%4d %8" PRIu64 "  %016" PRIx64 "  %016" PRIx64 "  %11" PRIx64 "  %11" PRIu64
				  "\n\n", ids[i], spanned, nodes[i], mem_map, start * psize, start);
			kd_printf(s, "ZONE  NAME         SIZE  PRESENT  MANAGED  MEM_MAP           START_PADDR  START_MAPNR\n");
		}
		for (size_t k = 0; k < nz; k++) {
			if (z[k].node != ids[i])
				continue;
			uint64_t zm = 0;
			if (z[k].spanned)
				kmem_ok(kd_pfn_to_page(s, z[k].start_pfn, &zm));
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_i64(s, "zone", z[k].idx);
				kd_json_string(s, "name", z[k].name);
				kd_json_hex(s, "addr", z[k].addr);
				kd_json_u64(s, "size", z[k].spanned);
				kd_json_u64(s, "present", z[k].present);
				kd_json_u64(s, "managed", z[k].managed);
				kd_json_u64(s, "start_pfn", z[k].start_pfn);
				kd_json_hex(s, "mem_map", zm);
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%4d  %-8s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "  %016" PRIx64 "  %11" PRIx64
					  "  %11" PRIu64 "\n", z[k].idx, z[k].name, z[k].spanned, z[k].present,
					  z[k].managed, zm, z[k].start_pfn * psize, z[k].start_pfn);
			}
		}
		if (json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "\n");
		}
	}
	free(nodes);
	free(ids);
	free(z);
	if (json) {
		kd_json_end_array(s);
		kd_json_begin_array(s, "sections");
	} else {
		kd_printf(s, "%8s  %-16s  %-16s  %-16s  %-7s  %s\n", "NR", "SECTION", "CODED_MEM_MAP", "MEM_MAP",
			  "STATE", "PFN");
	}
	uint64_t ns = kd_mem_section_count(s), mss = 0;
	// Sections come in roots of a page each (SPARSEMEM_EXTREME): an absent
	// root is skipped whole.
	uint64_t per = kmem_ok(kd_type_size(s, "mem_section", &mss)) && mss ? kd_page_size(s) / mss : 1;
	if (!per)
		per = 1;
	for (uint64_t nr = 0; nr < ns; nr++) {
		struct kd_mem_section ms;
		err = kd_mem_section_get(s, nr, &ms);
		if (err) {
			if (err->code != KD_ERR_NOTFOUND) {
				kd_warn(s, "%s", err->msg);
				if (!first)
					first = kd_error_copy(err);
			}
			kd_error_destroy(err);
			nr = (nr / per + 1) * per - 1; // skip the rest of the root
			continue;
		}
		if (!ms.present)
			continue;
		if ((err = kd_check_interrupt(s))) {
			if (!first)
				first = err;
			else
				kd_error_destroy(err);
			break;
		}
		char st[16];
		snprintf(st, sizeof(st), "%s%s%s%s", "P", ms.has_mem_map ? " M" : "", ms.online ? " O" : "",
			 ms.early ? " E" : "");
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "nr", nr);
			kd_json_hex(s, "section", ms.addr);
			kd_json_hex(s, "coded_mem_map", ms.raw);
			kd_json_hex(s, "mem_map", ms.mem_map);
			kd_json_string(s, "state", st);
			kd_json_u64(s, "pfn", ms.first_pfn);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%8" PRIu64 "  %016" PRIx64 "  %016" PRIx64 "  %016" PRIx64 "  %-7s  %" PRIu64 "\n",
				  nr, ms.addr, ms.raw, ms.mem_map, st, ms.first_pfn);
		}
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return first;
}
