// SPDX-License-Identifier: GPL-3.0-or-later
// pagemap -C on a dump: each page's memory cgroup as the dumped kernel's
// /proc/kpagecgroup would have given it (fs/proc/page.c -> mm/memcontrol.c's
// page_cgroup_ino()): the folio's memcg_data (include/linux/memcontrol.h:
// MEMCG_DATA_OBJCGS / MEMCG_DATA_OBJEXTS marks a slab page's object vector:
// no cgroup; MEMCG_DATA_KMEM an obj_cgroup, whose .memcg is the cgroup;
// otherwise the mem_cgroup itself; the low flag bits masked off), then up
// the parents (css.parent) to the first online one (css.flags & CSS_ONLINE),
// and its cgroup's inode, cgroup_ino(): the kernfs node's id
// (include/linux/kernfs.h).  The path is the kernfs names from that node up
// to the hierarchy's root.  Before 5.11 struct page held a mem_cgroup
// pointer (page.mem_cgroup) with the same low-bit rule.  Every layout and
// flag value from BTF; each mem_cgroup and obj_cgroup is read once (cached).
// page_owner (mm/page_owner.c, CONFIG_PAGE_OWNER): told present or absent
// from the types and symbols; its stacks are not decoded.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "pagemap.h"

enum { MAX_DEPTH = 64, NAME_MAX_ = 256, PATH_MAX_ = 4096 };

struct memcg {
	uint64_t addr;     // mem_cgroup (or obj_cgroup for an objcg entry)
	uint64_t ino;      // the online cgroup's inode (for objcg: the memcg's address)
	char *path;
	struct kd_error *err;
};

struct pm_cg {
	struct kd_session *s;
	uint64_t skip;     // memcg_data bits that mean "no cgroup" (objcg vector)
	uint64_t kmem;     // the bit that means "an obj_cgroup"
	uint64_t mask;     // the flag bits
	uint64_t online;   // CSS_ONLINE
	bool have_parent;  // kernfs_node.parent (else __parent)
	struct memcg *v, *objcg;
	size_t n, cap, nobj, capobj;
	uint64_t lost;
	char *first;
	uint64_t last_head, last_data; // the last compound head met (walks go in pfn order)
};

static int64_t enum_or(struct kd_session *s, const char *name, int64_t dflt)
{
	int64_t v;
	struct kd_error *err = kd_enum_value(s, NULL, name, &v);
	if (err) {
		kd_error_destroy(err);
		return dflt;
	}
	return v;
}

static bool has_member(struct kd_session *s, const char *type, const char *path)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	kd_error_destroy(err);
	return err == NULL;
}

struct kd_error *pm_cg_create(struct kd_session *s, struct pm_cg **ret)
{
	*ret = NULL;
	if (!has_member(s, "page", "memcg_data") && !has_member(s, "page", "mem_cgroup"))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "-C: the kernel has no memory cgroups (struct page has no memcg_data: CONFIG_MEMCG off)");
	if (!has_member(s, "mem_cgroup", "css") || !has_member(s, "cgroup", "kn") ||
	    !has_member(s, "kernfs_node", "id"))
		return kd_error_create(KD_ERR_NOTFOUND,
				       "-C: the types lack mem_cgroup.css, cgroup.kn or kernfs_node.id");
	struct pm_cg *c = calloc(1, sizeof(*c));
	if (!c)
		return &kd_enomem;
	c->s = s;
	// enum page_memcg_data_flags (5.11+): OBJCGS (renamed OBJEXTS in 6.10),
	// KMEM, and __NR_MEMCG_DATA_FLAGS one past the last; 6.10+ add
	// enum objext_flags above them (__NR_OBJEXTS_FLAGS).
	c->skip = (uint64_t)enum_or(s, "MEMCG_DATA_OBJCGS", enum_or(s, "MEMCG_DATA_OBJEXTS", 1));
	c->kmem = (uint64_t)enum_or(s, "MEMCG_DATA_KMEM", 2);
	int64_t nr = enum_or(s, "__NR_OBJEXTS_FLAGS", enum_or(s, "__NR_MEMCG_DATA_FLAGS", 4));
	c->mask = nr > 0 && nr <= 4096 ? (uint64_t)nr - 1 : 3;
	if (!has_member(s, "page", "memcg_data") && !has_member(s, "folio", "memcg_data")) {
		// page.mem_cgroup (5.9/5.10: bit 0 marks an objcg vector).
		c->kmem = 0;
		c->mask = 1;
	}
	c->online = (uint64_t)enum_or(s, "CSS_ONLINE", 2);
	c->have_parent = has_member(s, "kernfs_node", "parent");
	*ret = c;
	return NULL;
}

void pm_cg_destroy(struct pm_cg *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		kd_error_destroy(c->v[i].err);
	}
	for (size_t i = 0; i < c->nobj; i++)
		kd_error_destroy(c->objcg[i].err);
	free(c->v);
	free(c->objcg);
	free(c->first);
	free(c);
}

static struct memcg *find(struct memcg *v, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr == addr)
			return &v[i];
	return NULL;
}

static struct memcg *add(struct memcg **v, size_t *n, size_t *cap, uint64_t addr)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct memcg *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	struct memcg *m = &(*v)[(*n)++];
	memset(m, 0, sizeof(*m));
	m->addr = addr;
	return m;
}

// The kernfs path of node kn, from its hierarchy's root ("/" for the root).
static struct kd_error *kn_path(struct pm_cg *c, uint64_t kn, char **ret)
{
	struct kd_session *s = c->s;
	char *names[MAX_DEPTH];
	int depth = 0;
	struct kd_error *err = NULL;
	while (kn && !err) {
		uint64_t parent, name;
		if ((err = kd_read_member_u64(s, "kernfs_node", c->have_parent ? "parent" : "__parent", kn, &parent)))
			break;
		if (!parent)
			break; // the root's own name is not part of the path
		if (depth == MAX_DEPTH) {
			err = kd_error_create(KD_ERR_CORRUPT, "kernfs node 0x%" PRIx64 ": more than %d levels",
					      kn, MAX_DEPTH);
			break;
		}
		if ((err = kd_read_member_u64(s, "kernfs_node", "name", kn, &name)))
			break;
		char buf[NAME_MAX_];
		size_t len = 0;
		while (len < sizeof(buf) - 1) {
			if ((err = kd_read_kernel(s, name + len, buf + len, 1)))
				break;
			if (!buf[len])
				break;
			len++;
		}
		buf[len] = 0;
		if (err || !(names[depth] = strdup(buf))) {
			if (!err)
				err = &kd_enomem;
			break;
		}
		depth++;
		kn = parent;
	}
	char *path = NULL;
	if (!err && !(path = malloc(PATH_MAX_)))
		err = &kd_enomem;
	if (!err) {
		size_t len = 0;
		path[0] = 0;
		for (int i = depth - 1; i >= 0; i--)
			len += (size_t)snprintf(path + len, len < PATH_MAX_ ? PATH_MAX_ - len : 0, "/%s", names[i]);
		if (!depth)
			strcpy(path, "/");
		if (len >= PATH_MAX_)
			path[PATH_MAX_ - 1] = 0;
	}
	for (int i = 0; i < depth; i++)
		free(names[i]);
	*ret = path;
	return err;
}

// A mem_cgroup's entry: up to the first online ancestor, its cgroup's
// inode and path.
static struct memcg *memcg_of(struct pm_cg *c, uint64_t memcg)
{
	struct memcg *m = find(c->v, c->n, memcg);
	if (m)
		return m;
	if (!(m = add(&c->v, &c->n, &c->cap, memcg)))
		return NULL;
	struct kd_session *s = c->s;
	struct kd_error *err = NULL;
	uint64_t cur = memcg, css_off, kn = 0;
	struct kd_member_info mi;
	if ((err = kd_type_member(s, "mem_cgroup", "css", &mi)))
		goto out;
	css_off = mi.offset;
	for (int depth = 0; cur; depth++) {
		uint64_t flags, parent;
		if (depth > MAX_DEPTH) {
			err = kd_error_create(KD_ERR_CORRUPT, "more than %d parents", MAX_DEPTH);
			goto out;
		}
		if ((err = kd_read_member_u64(s, "mem_cgroup", "css.flags", cur, &flags)))
			goto out;
		if (flags & c->online)
			break;
		if ((err = kd_read_member_u64(s, "mem_cgroup", "css.parent", cur, &parent)))
			goto out;
		// parent_mem_cgroup(): the parent css is the parent memcg's css.
		cur = parent ? parent - css_off : 0;
	}
	if (!cur) {
		m->ino = 0;
		goto out;
	}
	uint64_t cgrp;
	if ((err = kd_read_member_u64(s, "mem_cgroup", "css.cgroup", cur, &cgrp)) ||
	    (err = kd_read_member_u64(s, "cgroup", "kn", cgrp, &kn)) ||
	    (err = kd_read_member_u64(s, "kernfs_node", "id", kn, &m->ino)))
		goto out;
	struct kd_error *perr = kn_path(c, kn, &m->path);
	if (perr) {
		// The inode is known; only the name is not.
		free(m->path);
		m->path = NULL;
		kd_error_destroy(perr);
	}
out:
	if (err) {
		m->err = kd_error_prefix(err, "mem_cgroup 0x%016" PRIx64, memcg);
		if (!m->err)
			m->err = &kd_enomem;
	}
	return m;
}

static void lost(struct pm_cg *c, uint64_t pfn, const struct kd_error *why)
{
	if (!c->lost++ && asprintf(&c->first, "pfn 0x%" PRIx64 ": %s", pfn, why->msg) < 0)
		c->first = NULL;
}

void pm_cg_page(struct pm_cg *c, const struct kd_page *pg, struct pm_page *out)
{
	struct kd_session *s = c->s;
	uint64_t data = pg->memcg_data;
	out->cgroup = 0;
	out->cgroup_path = NULL;
	out->cgroup_unknown = false;
	if (pg->compound && pg->head == pg->addr) {
		c->last_head = pg->addr;
		c->last_data = data;
	} else if (pg->head != pg->addr && pg->head == c->last_head) {
		data = c->last_data;
	} else if (pg->head != pg->addr) {
		// page_folio(): a tail page is charged through its folio's head.
		struct kd_page head;
		struct kd_error *err = kd_page_read(s, pg->head, &head);
		if (err) {
			lost(c, pg->pfn, err);
			kd_error_destroy(err);
			out->cgroup_unknown = true;
			return;
		}
		data = head.memcg_data;
		c->last_head = head.addr;
		c->last_data = data;
	}
	if (!data || (data & c->skip))
		return;
	uint64_t memcg = data & ~c->mask;
	if (c->kmem && (data & c->kmem)) {
		// obj_cgroup_memcg(): the objcg's memcg.
		uint64_t objcg = memcg;
		struct memcg *o = find(c->objcg, c->nobj, objcg);
		if (!o && (o = add(&c->objcg, &c->nobj, &c->capobj, objcg))) {
			struct kd_error *err = kd_read_member_u64(s, "obj_cgroup", "memcg", objcg, &o->ino);
			if (err) {
				o->err = kd_error_prefix(err, "obj_cgroup 0x%016" PRIx64, objcg);
				if (!o->err)
					o->err = &kd_enomem;
			}
		}
		if (!o || o->err) {
			if (o)
				lost(c, pg->pfn, o->err);
			out->cgroup_unknown = true;
			return;
		}
		memcg = o->ino;
		if (!memcg)
			return;
	}
	struct memcg *m = memcg_of(c, memcg);
	if (!m || m->err) {
		if (m)
			lost(c, pg->pfn, m->err);
		out->cgroup_unknown = true;
		return;
	}
	out->cgroup = m->ino;
	out->cgroup_path = m->path;
}

struct kd_error *pm_cg_end(struct pm_cg *c)
{
	if (!c || !c->lost)
		return NULL;
	kd_warn(c->s, "pagemap: the memory cgroup of %" PRIu64 " page(s) unreadable (shown as ?); the first: %s",
		c->lost, c->first ? c->first : "?");
	return kd_error_create(KD_ERR_NODATA, "%" PRIu64 " page(s)' memory cgroup unreadable (named above)", c->lost);
}

const char *pm_page_owner_state(struct kd_session *s)
{
	uint64_t size, addr;
	struct kd_error *err = kd_type_size(s, "page_owner", &size);
	if (err) {
		kd_error_destroy(err);
		err = kd_symbol_address(s, "page_owner_inited", &addr);
	}
	kd_error_destroy(err);
	return err ? "absent" : "present";
}
