// SPDX-License-Identifier: GPL-3.0-or-later
// dev: the kernel's devices in crash's layouts.
//   dev      character devices (chrdevs[], fs/char_dev.c: struct
//            char_device_struct chains by major) and block device majors
//            (major_names[], block/genhd.c: struct blk_major_name chains),
//            ordered as /proc/devices orders them.
//   dev -i   the I/O port and I/O memory resource trees (ioport_resource and
//            iomem_resource, struct resource, include/linux/ioport.h), as
//            /proc/ioports and /proc/iomem print them.
//   dev -d   the block devices with a capacity (the inodes of the bdev
//            pseudo file system, blockdev_superblock->s_inodes, each in a
//            struct bdev_inode, block/bdev.c), as /proc/partitions.
//   dev -p   the PCI devices: each root bus of pci_root_buses (struct pci_bus
//            by .node, drivers/pci/probe.c), its devices (struct pci_dev by
//            .bus_list, include/linux/pci.h) and, depth first, its child
//            buses (.children); the domain from pci_bus.domain_nr where the
//            kernel has it (CONFIG_PCI_DOMAINS_GENERIC), else from x86's
//            struct pci_sysdata (arch/x86/include/asm/pci.h).
// The hash arrays' lengths come from the symbol table (the distance to the
// next symbol), every layout from BTF.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kobj.h"

enum { O_I, O_D, O_P, O_JSON, O_NOPT };
static const struct kd_option dev_opts[] = {
	[O_I] = { "i", KD_ARG_NONE, NULL, "I/O port and I/O memory resources" },
	[O_D] = { "d", KD_ARG_NONE, NULL, "block devices (disks and partitions) with their sizes" },
	[O_P] = { "p", KD_ARG_NONE, NULL, "PCI devices" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// The number of pointer slots of a global array: its size when the symbol
// has one, else the distance to the next symbol, bounded.
static uint64_t array_len(struct kd_session *s, uint64_t addr, uint64_t max)
{
	struct kd_symbol at;
	uint64_t at_off;
	struct kd_error *e = kd_symbol_at(s, addr, &at, &at_off);
	bool sized = !e && !at_off && at.size >= 8;
	kd_error_destroy(e);
	if (sized)
		return at.size / 8 < max ? at.size / 8 : max;
	uint64_t n = 1;
	for (; n < max; n++) {
		struct kd_symbol sym;
		uint64_t off;
		struct kd_error *err = kd_symbol_at(s, addr + n * 8, &sym, &off);
		bool same = !err && sym.address == addr;
		kd_error_destroy(err);
		if (!same)
			break;
	}
	return n;
}

/* ---- character and block majors -------------------------------------------- */

struct major {
	uint64_t addr, major, minor, count;
	char name[64];
	uint64_t cdev, ops;
	size_t seq;
};

static int major_cmp(const void *a, const void *b)
{
	const struct major *x = a, *y = b;
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// Read every chain of one hash array into *out.
static struct kd_error *read_majors(struct ko_run *rn, const char *sym, bool chr, struct major **out, size_t *nout)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	const char *type = chr ? "char_device_struct" : "blk_major_name";
	uint64_t arr = ko_sym(&r, sym);
	uint64_t name_off = ko_off(&r, type, "name");
	if (r.err)
		return ko_take(&r);
	uint64_t len = array_len(s, arr, 4096);
	struct major *v = NULL;
	size_t n = 0, cap = 0;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t p = ko_word(&r, arr + i * 8);
		struct kd_cycle cyc = { 0 };
		for (size_t k = 0; p && !r.err && k < 4096; k++) {
			struct kd_error *err = kd_check_interrupt(s);
			if (err) {
				free(v);
				return err;
			}
			if (kd_cycle_step(&cyc, p)) {
				r.err = kd_error_create(KD_ERR_CORRUPT, "the chain loops");
				break;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct major *nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return &kd_enomem;
				}
				v = nv;
			}
			struct major *m = &v[n];
			memset(m, 0, sizeof(*m));
			m->addr = p;
			m->seq = n;
			m->major = ko_get(&r, type, "major", p);
			if (chr) {
				m->minor = ko_get(&r, type, "baseminor", p);
				m->count = ko_get(&r, type, "minorct", p);
				m->cdev = ko_get(&r, type, "cdev", p);
				if (m->cdev)
					m->ops = ko_get(&r, "cdev", "ops", m->cdev);
			}
			uint64_t next = ko_get(&r, type, "next", p);
			if (!r.err) {
				struct kd_error *e = ko_string(s, p + name_off, m->name, chr ? 64 : 16);
				if (e)
					r.err = e;
			}
			if (r.err)
				break;
			n++;
			p = next;
		}
		if (r.err) {
			char what[96];
			snprintf(what, sizeof(what), "the chain of %s[%" PRIu64 "]", sym, i);
			ko_bad(rn, ko_take(&r), what, arr + i * 8);
			continue;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), major_cmp);
	*out = v;
	*nout = n;
	return NULL;
}

static const char *sym_name(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_error *err = addr ? kd_symbol_at(s, addr, &sym, &off) : NULL;
	if (!addr || err)
		snprintf(buf, size, addr ? "%016" PRIx64 : "(none)", addr);
	else if (off)
		snprintf(buf, size, "%s+%" PRIu64, sym.name, off);
	else
		snprintf(buf, size, "%s", sym.name);
	kd_error_destroy(err);
	return buf;
}

static struct kd_error *show_majors(struct ko_run *rn)
{
	struct kd_session *s = rn->s;
	struct major *c = NULL, *b = NULL;
	size_t nc = 0, nb = 0;
	struct kd_error *err = read_majors(rn, "chrdevs", true, &c, &nc);
	if (!err)
		err = read_majors(rn, "major_names", false, &b, &nb);
	if (err) {
		free(c);
		return err;
	}
	char buf[160];
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_begin_array(s, "character");
		for (size_t i = 0; i < nc; i++) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "major", c[i].major);
			kd_json_u64(s, "baseminor", c[i].minor);
			kd_json_u64(s, "minorct", c[i].count);
			kd_json_string(s, "name", c[i].name);
			kd_json_hex(s, "char_device_struct", c[i].addr);
			if (c[i].cdev) {
				kd_json_hex(s, "cdev", c[i].cdev);
				kd_json_hex(s, "ops", c[i].ops);
				if (c[i].ops)
					kd_json_string(s, "ops_symbol", sym_name(s, c[i].ops, buf, sizeof(buf)));
			}
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_begin_array(s, "block");
		for (size_t i = 0; i < nb; i++) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "major", b[i].major);
			kd_json_string(s, "name", b[i].name);
			kd_json_hex(s, "blk_major_name", b[i].addr);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "CHRDEV  NAME                  CDEV              OPERATIONS\n");
		for (size_t i = 0; i < nc; i++) {
			char cd[24];
			snprintf(cd, sizeof(cd), c[i].cdev ? "%016" PRIx64 : "(none)", c[i].cdev);
			kd_printf(s, " %4" PRIu64 "   %-20s  %-16s  %s\n", c[i].major, c[i].name, cd,
				  c[i].cdev ? sym_name(s, c[i].ops, buf, sizeof(buf)) : "(none)");
		}
		kd_printf(s, "\nBLKDEV  NAME              BLK_MAJOR_NAME\n");
		for (size_t i = 0; i < nb; i++)
			kd_printf(s, " %4" PRIu64 "   %-16s  %016" PRIx64 "\n", b[i].major, b[i].name, b[i].addr);
	}
	free(c);
	free(b);
	return NULL;
}

/* ---- resources ---------------------------------------------------------------- */

static void show_resource(struct ko_run *rn, uint64_t res, unsigned depth, unsigned width, size_t *count)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	struct kd_cycle cyc = { 0 };
	// Siblings iteratively, children by recursion (bounded depth).
	for (; res; (*count)++) {
		if (*count > 100000 || kd_cycle_step(&cyc, res)) {
			ko_bad(rn, kd_error_create(KD_ERR_CORRUPT, "the sibling list loops"), "the resource",
			    res);
			return;
		}
		uint64_t start = ko_get(&r, "resource", "start", res);
		uint64_t end = ko_get(&r, "resource", "end", res);
		uint64_t name = ko_get(&r, "resource", "name", res);
		uint64_t child = ko_get(&r, "resource", "child", res);
		uint64_t sibling = ko_get(&r, "resource", "sibling", res);
		if (r.err) {
			ko_bad(rn, ko_take(&r), "the resource", res);
			return;
		}
		char nm[128];
		struct kd_error *err = ko_string(s, name, nm, sizeof(nm));
		if (err) {
			ko_bad(rn, err, "the name of the resource", res);
			snprintf(nm, sizeof(nm), "?");
		} else if (!name) {
			snprintf(nm, sizeof(nm), "<BAD>"); // what /proc/iomem prints for a nameless one
		}
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "resource", res);
			kd_json_hex(s, "start", start);
			kd_json_hex(s, "end", end);
			kd_json_u64(s, "depth", depth);
			kd_json_string(s, "name", nm);
			kd_json_end_object(s);
		} else {
			// Indented as /proc/ioports: the root's children are not.
			kd_printf(s, "%016" PRIx64 "  %0*" PRIx64 "-%0*" PRIx64 "  %*s%s\n", res, (int)width, start, (int)width,
				  end, depth ? (int)depth * 2 - 2 : 0, "", nm);
		}
		if (child && depth < 32)
			show_resource(rn, child, depth + 1, width, count);
		if (kd_check_interrupt(s))
			return;
		res = sibling;
	}
}

static struct kd_error *show_resources(struct ko_run *rn)
{
	struct kd_session *s = rn->s;
	static const char *const roots[] = { "ioport_resource", "iomem_resource" };
	if (rn->json)
		kd_json_begin_object(s, NULL);
	for (int i = 0; i < 2; i++) {
		struct ko r = { s, NULL };
		uint64_t root = ko_sym(&r, roots[i]);
		uint64_t end = ko_get(&r, "resource", "end", root);
		if (r.err) {
			if (rn->json)
				kd_json_end_object(s);
			return ko_take(&r);
		}
		// /proc/ioports and /proc/iomem: 4 digits below 64K, else 8 (more when needed).
		unsigned width = end < 0x10000 ? 4 : 8;
		if (rn->json)
			kd_json_begin_array(s, i ? "iomem" : "ioport");
		else
			kd_printf(s, "%sRESOURCE          RANGE%*s  NAME\n", i ? "\n" : "", (int)(2 * width - 4), "");
		size_t count = 0;
		// The root itself, then its children one level in.
		show_resource(rn, root, 0, width, &count);
		if (rn->json)
			kd_json_end_array(s);
		struct kd_error *err = kd_check_interrupt(s);
		if (err)
			return err;
	}
	if (rn->json)
		kd_json_end_object(s);
	return NULL;
}

/* ---- disks ---------------------------------------------------------------------- */

struct disk {
	uint64_t bdev, dev, sectors, gendisk, queue;
	unsigned partno;
	char name[48];
};

static int disk_cmp(const void *a, const void *b)
{
	const struct disk *x = a, *y = b;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

struct disks {
	struct ko_run *rn;
	uint64_t inode_off, list_off;
	struct disk *v;
	size_t n, cap;
};

static struct kd_error *one_bdev(struct kd_session *s, uint64_t node, void *arg)
{
	struct disks *d = arg;
	struct ko r = { s, NULL };
	uint64_t bdev = node - d->list_off - d->inode_off; // bdev_inode.bdev is at its start
	struct disk k = { .bdev = bdev };
	k.dev = ko_get(&r, "block_device", "bd_dev", bdev);
	k.sectors = ko_get(&r, "block_device", "bd_nr_sectors", bdev);
	k.gendisk = ko_get(&r, "block_device", "bd_disk", bdev);
	// The partition number: bd_partno, or since 6.10 the low byte of
	// __bd_flags (bdev_partno(): __bd_flags & BD_PARTNO, 255, in
	// include/linux/blk_types.h), as BTF shows.
	if (ko_has(s, "block_device", "bd_partno"))
		k.partno = (unsigned)ko_get(&r, "block_device", "bd_partno", bdev);
	else
		k.partno = (unsigned)ko_get(&r, "block_device", "__bd_flags.counter", bdev) & 0xff; // atomic_t
	if (!r.err && k.gendisk)
		k.queue = ko_get(&r, "gendisk", "queue", k.gendisk);
	uint64_t name_off = ko_off(&r, "gendisk", "disk_name");
	if (r.err) {
		ko_bad(d->rn, ko_take(&r), "the block device", bdev);
		return NULL;
	}
	if (!k.gendisk || !k.sectors)
		return NULL;
	char dn[33];
	struct kd_error *err = ko_string(s, k.gendisk + name_off, dn, sizeof(dn));
	if (err) {
		ko_bad(d->rn, err, "the disk name of the block device", bdev);
		return NULL;
	}
	// bdevname(): a partition adds its number, after a 'p' when the disk's name ends in a digit.
	size_t l = strlen(dn);
	if (k.partno)
		snprintf(k.name, sizeof(k.name), "%s%s%u", dn, l && dn[l - 1] >= '0' && dn[l - 1] <= '9' ? "p" : "",
			 k.partno);
	else
		snprintf(k.name, sizeof(k.name), "%s", dn);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		struct disk *nv = realloc(d->v, d->cap * sizeof(*nv));
		if (!nv)
			return &kd_enomem;
		d->v = nv;
	}
	d->v[d->n++] = k;
	return NULL;
}

static struct kd_error *show_disks(struct ko_run *rn)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t sb = ko_word(&r, ko_sym(&r, "blockdev_superblock"));
	uint64_t head = sb + ko_off(&r, "super_block", "s_inodes");
	struct disks d = { rn, ko_off(&r, "bdev_inode", "vfs_inode"), ko_off(&r, "inode", "i_sb_list"), NULL, 0, 0 };
	if (!r.err && ko_off(&r, "bdev_inode", "bdev") != 0)
		r.err = kd_error_create(KD_ERR_UNSUPPORTED, "bdev_inode.bdev is not its first member");
	if (r.err)
		return kd_error_prefix(ko_take(&r), "the block devices (blockdev_superblock)");
	struct kd_error *err = ko_list(s, head, one_bdev, &d);
	if (err && err->code == KD_ERR_INTERRUPTED) {
		free(d.v);
		return err;
	}
	if (err)
		ko_bad(rn, err, "the inode list of the bdev super block", sb);
	if (d.n)
		qsort(d.v, d.n, sizeof(*d.v), disk_cmp);
	if (rn->json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "MAJOR  MINOR  BLOCK_DEVICE      GENDISK           REQUEST_QUEUE         #BLOCKS  NAME\n");
	for (size_t i = 0; i < d.n; i++) {
		const struct disk *k = &d.v[i];
		// dev_t inside the kernel: MINORBITS = 20 (include/linux/kdev_t.h).
		uint64_t maj = k->dev >> 20, min = k->dev & 0xfffff, blocks = k->sectors >> 1;
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "major", maj);
			kd_json_u64(s, "minor", min);
			kd_json_hex(s, "block_device", k->bdev);
			kd_json_hex(s, "gendisk", k->gendisk);
			kd_json_hex(s, "request_queue", k->queue);
			kd_json_u64(s, "blocks", blocks);
			kd_json_string(s, "name", k->name);
			kd_json_end_object(s);
		} else {
			kd_printf(s, " %4" PRIu64 "  %5" PRIu64 "  %016" PRIx64 "  %016" PRIx64 "  %016" PRIx64 "  %10" PRIu64
				     "  %s\n",
				  maj, min, k->bdev, k->gendisk, k->queue, blocks, k->name);
		}
	}
	if (rn->json)
		kd_json_end_array(s);
	free(d.v);
	return NULL;
}

/* ---- PCI devices ---------------------------------------------------------------- */

enum { PCI_MAX_DEPTH = 32, PCI_MAX_DEVICES = 65536 };

struct pci_walk {
	struct ko_run *rn;
	uint64_t root;    // the root bus being shown
	uint64_t domain;
	uint64_t bus;     // the bus whose devices are walked
	uint64_t bus_nr;
	uint64_t bus_list_off, node_off;
	unsigned depth;
	size_t n;
};

static void pci_bus_walk(struct pci_walk *w, uint64_t bus);

static struct kd_error *pci_dev_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct pci_walk *w = arg;
	struct ko r = { s, NULL };
	uint64_t dev = node - w->bus_list_off;
	uint64_t devfn = ko_get(&r, "pci_dev", "devfn", dev);
	uint64_t vendor = ko_get(&r, "pci_dev", "vendor", dev);
	uint64_t device = ko_get(&r, "pci_dev", "device", dev);
	uint64_t class = ko_get(&r, "pci_dev", "class", dev);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "the pci_dev", dev);
		return kd_check_interrupt(s);
	}
	if (++w->n > PCI_MAX_DEVICES)
		return kd_error_create(KD_ERR_CORRUPT, "more than %d PCI devices", PCI_MAX_DEVICES);
	char slot[32];
	snprintf(slot, sizeof(slot), "%04" PRIx64 ":%02" PRIx64 ":%02" PRIx64 ".%" PRIx64, w->domain, w->bus_nr,
		 devfn >> 3, devfn & 7);
	if (w->rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "root_bus", w->root);
		kd_json_hex(s, "bus", w->bus);
		kd_json_hex(s, "pci_dev", dev);
		kd_json_string(s, "slot", slot);
		kd_json_u64(s, "domain", w->domain);
		kd_json_u64(s, "bus_number", w->bus_nr);
		kd_json_u64(s, "device_number", devfn >> 3);
		kd_json_u64(s, "function", devfn & 7);
		kd_json_hex(s, "class", class);
		kd_json_hex(s, "vendor", vendor);
		kd_json_hex(s, "device", device);
		kd_json_end_object(s);
	} else {
		// crash's columns; the class as lspci shows it (base class and
		// subclass, without the programming interface).
		kd_printf(s, "%016" PRIx64 "  %s  %04" PRIx64 "   %04" PRIx64 "    %04" PRIx64 "\n", dev, slot, class >> 8,
			  vendor, device);
	}
	return kd_check_interrupt(s);
}

static struct kd_error *pci_child_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct pci_walk *w = arg;
	pci_bus_walk(w, node - w->node_off);
	return kd_check_interrupt(s);
}

// A bus's devices, then each child bus depth first (the order lspci's tree
// and the kernel's scan share).
static void pci_bus_walk(struct pci_walk *w, uint64_t bus)
{
	struct kd_session *s = w->rn->s;
	struct ko r = { s, NULL };
	if (w->depth >= PCI_MAX_DEPTH) {
		ko_bad(w->rn, kd_error_create(KD_ERR_CORRUPT, "PCI buses nest too deep"), "the pci_bus", bus);
		return;
	}
	uint64_t nr = ko_get(&r, "pci_bus", "number", bus);
	uint64_t devices = bus + ko_off(&r, "pci_bus", "devices");
	uint64_t children = bus + ko_off(&r, "pci_bus", "children");
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "the pci_bus", bus);
		return;
	}
	uint64_t saved_bus = w->bus, saved_nr = w->bus_nr;
	w->bus = bus;
	w->bus_nr = nr;
	w->depth++;
	struct kd_error *err = ko_list(s, devices, pci_dev_node, w);
	if (err && err->code != KD_ERR_INTERRUPTED)
		ko_bad(w->rn, err, "the device list of the pci_bus", bus);
	else if (err)
		kd_error_destroy(err);
	err = ko_list(s, children, pci_child_node, w);
	if (err && err->code != KD_ERR_INTERRUPTED)
		ko_bad(w->rn, err, "the child bus list of the pci_bus", bus);
	else if (err)
		kd_error_destroy(err);
	w->depth--;
	w->bus = saved_bus;
	w->bus_nr = saved_nr;
}

// pci_domain_nr(): the bus's own domain_nr where the kernel keeps one, else
// the domain of x86's struct pci_sysdata the bus's sysdata points at.
static struct kd_error *pci_domain(struct kd_session *s, uint64_t bus, uint64_t *ret)
{
	struct ko r = { s, NULL };
	*ret = 0;
	if (ko_has(s, "pci_bus", "domain_nr")) {
		*ret = ko_get(&r, "pci_bus", "domain_nr", bus);
	} else if (ko_has(s, "pci_sysdata", "domain")) {
		uint64_t sd = ko_get(&r, "pci_bus", "sysdata", bus);
		if (sd)
			*ret = ko_get(&r, "pci_sysdata", "domain", sd);
	} else {
		return kd_error_create(KD_ERR_UNSUPPORTED, "neither pci_bus.domain_nr nor pci_sysdata.domain in BTF");
	}
	*ret &= 0xffffffff;
	return ko_take(&r);
}

struct pci_roots {
	struct pci_walk *w;
	bool first;
};

static struct kd_error *pci_root_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct pci_roots *pr = arg;
	struct pci_walk *w = pr->w;
	uint64_t bus = node - w->node_off, nr;
	struct ko r = { s, NULL };
	nr = ko_get(&r, "pci_bus", "number", bus);
	struct kd_error *err = r.err ? ko_take(&r) : pci_domain(s, bus, &w->domain);
	if (err) {
		ko_bad(w->rn, err, "the root pci_bus", bus);
		return kd_check_interrupt(s);
	}
	w->root = bus;
	if (w->rn->json) {
		pci_bus_walk(w, bus);
	} else {
		kd_printf(s, "%sROOT BUS          BUSNAME\n", pr->first ? "" : "\n");
		kd_printf(s, "%016" PRIx64 "  %04" PRIx64 ":%02" PRIx64 "\n\n", bus, w->domain, nr);
		kd_printf(s, "PCI DEV           DO:BU:SL.FN   CLASS  VENDOR  DEVICE\n");
		size_t before = w->n;
		pci_bus_walk(w, bus);
		if (w->n == before)
			kd_printf(s, "(no devices)\n");
	}
	pr->first = false;
	return kd_check_interrupt(s);
}

static struct kd_error *show_pci(struct ko_run *rn)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t head = ko_sym(&r, "pci_root_buses");
	struct pci_walk w = { .rn = rn };
	w.bus_list_off = ko_off(&r, "pci_dev", "bus_list");
	w.node_off = ko_off(&r, "pci_bus", "node");
	if (r.err)
		return kd_error_prefix(ko_take(&r), "the PCI buses");
	struct pci_roots pr = { &w, true };
	if (rn->json)
		kd_json_begin_array(s, NULL);
	struct kd_error *err = ko_list(s, head, pci_root_node, &pr);
	if (rn->json)
		kd_json_end_array(s);
	if (err && err->code == KD_ERR_INTERRUPTED)
		return err;
	if (err)
		ko_bad(rn, err, "the list pci_root_buses", head);
	else if (pr.first && !rn->json)
		kd_printf(s, "no PCI buses (pci_root_buses is empty)\n");
	return NULL;
}

static struct kd_error *dev_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	if (v[O_I].count + v[O_D].count + v[O_P].count > 1)
		return kd_error_create(KD_ERR_USAGE, "-i, -d and -p exclude each other");
	struct ko_run rn = { s, kd_json_mode(s), 0, "dev" };
	struct kd_error *err = v[O_I].count ? show_resources(&rn) : v[O_D].count ? show_disks(&rn) :
			       v[O_P].count ? show_pci(&rn) : show_majors(&rn);
	return ko_finish(rn.bad, err);
}

static const struct kd_command commands[] = {
	{
		.name = "dev",
		.summary = "character and block devices, I/O resources, disks, PCI devices",
		.synopsis = "[-i | -d | -p] [--json]",
		.help = "Without options, list the character device majors (chrdevs[]: major,\n"
			"name, the struct cdev and its file operations) and the block device\n"
			"majors (major_names[]), in /proc/devices order.\n"
			"-i prints the I/O port and I/O memory resource trees (ioport_resource,\n"
			"iomem_resource): each struct resource, its range and its name, indented\n"
			"by depth as /proc/ioports and /proc/iomem.\n"
			"-d prints the block devices that have a capacity (disks and partitions,\n"
			"from the bdev file system's inodes): major, minor, struct block_device,\n"
			"gendisk, request queue, size in 1 KiB blocks and name, as /proc/partitions.\n"
			"-p prints the PCI devices under each root bus (pci_root_buses), child\n"
			"buses depth first: the struct pci_dev, domain:bus:slot.function (as\n"
			"/sys/bus/pci/devices names it), the class (base class and subclass, as\n"
			"lspci), vendor and device IDs.\n\n"
			"EXAMPLES\n"
			"  kdive> dev\n"
			"  kdive> dev -i | grep -i pci\n"
			"  kdive> dev -d --json\n"
			"  kdive> dev -p",
		.options = dev_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_USES_MODULES,
		.run = dev_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "dev",
	.version = "1",
	.commands = commands,
};
