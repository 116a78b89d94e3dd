// SPDX-License-Identifier: GPL-3.0-or-later
// mkseeds: write the small synthetic seeds of the fuzz targets that need a
// structured file, into a directory:
//   DIR/mini.kdump  a kdump-compressed dump (KDUMP v6, x86_64, 4 KiB blocks,
//                   32 pfns: zlib pages, raw pages, excluded pages, a hole,
//                   notes and VMCOREINFO in the sub-header's blobs)
//   DIR/mini.flat   the same dump in makedumpfile's flattened format, its
//                   records out of order and one overwritten by a later one
//   DIR/ring.mem    a tiny printk ring buffer image for fuzz_log (the memory
//                   at LOG_FUZZ_BASE; layout of the 6.1 VMCOREINFO offsets,
//                   see fuzz_log.c), 6 records, one wrapped, one with
//                   dev_info
// Layouts written from makedumpfile's diskdump_mod.h and IMPLEMENTATION
// (kdump, flattened) and kernel/printk/printk_ringbuffer.h (ring).
// Usage: mkseeds DIR VMCOREINFO_TEXT_FILE
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_log.h"

enum { BS = 4096, NPFN = 32 };

static unsigned char *img;
static size_t img_len, img_cap;

static size_t reserve(size_t n)
{
	size_t at = img_len;
	if (img_len + n > img_cap) {
		img_cap = (img_len + n) * 2;
		img = realloc(img, img_cap);
		if (!img)
			exit(1);
	}
	memset(img + img_len, 0, n);
	img_len += n;
	return at;
}

static void le(size_t at, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		img[at + i] = (unsigned char)(v >> (8 * i));
}

static void be(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static bool is_ram(unsigned pfn) { return pfn < 28; }          // 28..31: hole
static bool is_dumped(unsigned pfn) { return is_ram(pfn) && pfn % 7 != 5; }

static size_t note(unsigned char *p, const char *name, uint32_t type, const void *desc, size_t dlen)
{
	Elf64_Nhdr nh = { .n_namesz = (uint32_t)strlen(name) + 1, .n_descsz = (uint32_t)dlen, .n_type = type };
	size_t off = 0;
	memcpy(p, &nh, sizeof(nh));
	off += sizeof(nh);
	memcpy(p + off, name, nh.n_namesz);
	off += (nh.n_namesz + 3) & ~3u;
	memcpy(p + off, desc, dlen);
	off += (dlen + 3) & ~3u;
	return off;
}

static int write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static void mkkdump(const char *vmci, size_t vlen)
{
	// block 0: disk_dump_header (x86_64 offsets, see make_layout in kdump.c)
	reserve(BS);
	memcpy(img, "KDUMP   ", 8);
	le(8, 4, 6);
	memcpy(img + 12, "Linux", 6);
	memcpy(img + 12 + 2 * 65, "6.1.0-fuzz", 11);
	memcpy(img + 12 + 4 * 65, "x86_64", 7);
	le(424, 4, 1);         // status: zlib
	le(428, 4, BS);        // block_size
	le(432, 4, 1);         // sub_hdr_size
	le(436, 4, 2);         // bitmap_blocks: two bitmaps of one block
	le(440, 4, NPFN);      // max_mapnr
	le(460, 4, 2);         // nr_cpus
	// block 1: kdump_sub_header; notes and VMCOREINFO follow the bitmaps
	size_t sub = reserve(BS);
	size_t bm = reserve(2 * BS);
	for (unsigned pfn = 0; pfn < NPFN; pfn++) {
		if (is_ram(pfn))
			img[bm + pfn / 8] |= (unsigned char)(1u << (pfn % 8));
		if (is_dumped(pfn))
			img[bm + BS + pfn / 8] |= (unsigned char)(1u << (pfn % 8));
	}
	unsigned ndump = 0;
	for (unsigned pfn = 0; pfn < NPFN; pfn++)
		ndump += is_dumped(pfn);
	size_t desc = reserve(ndump * 24);
	static unsigned char notes[8192];
	unsigned char prstatus[336] = { 0 };
	size_t nlen = 0;
	for (int cpu = 0; cpu < 2; cpu++) {
		prstatus[32] = (unsigned char)(cpu + 1);
		nlen += note(notes + nlen, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	}
	size_t noff = reserve(nlen);
	memcpy(img + noff, notes, nlen);
	size_t voff = reserve(vlen);
	memcpy(img + voff, vmci, vlen);
	le(sub + 0, 8, 0);            // phys_base
	le(sub + 8, 4, 31);           // dump_level
	le(sub + 32, 8, voff);
	le(sub + 40, 8, vlen);
	le(sub + 48, 8, noff);
	le(sub + 56, 8, nlen);
	le(sub + 96, 8, NPFN);        // max_mapnr_64
	unsigned i = 0;
	for (unsigned pfn = 0; pfn < NPFN; pfn++) {
		if (!is_dumped(pfn))
			continue;
		unsigned char page[BS], z[BS + 64];
		for (unsigned b = 0; b < BS; b++)
			page[b] = (unsigned char)(pfn % 3 ? b * pfn + (b >> 7) : (b * 2654435761u) >> 13);
		uLongf zl = sizeof(z);
		size_t at;
		uint32_t size, flags;
		if (pfn % 4 != 1 && compress2(z, &zl, page, BS, 6) == Z_OK && zl < BS) {
			at = reserve(zl);
			memcpy(img + at, z, zl);
			size = (uint32_t)zl;
			flags = 1;
		} else {
			at = reserve(BS);
			memcpy(img + at, page, BS);
			size = BS;
			flags = 0;
		}
		le(desc + i * 24, 8, at);
		le(desc + i * 24 + 8, 4, size);
		le(desc + i * 24 + 12, 4, flags);
		i++;
	}
}

// The flattened form of img: 4 KiB header, records of 1..3 blocks in a
// shuffled order, plus a garbage record that a later record overwrites.
static unsigned char *mkflat(size_t *len)
{
	size_t nrec = (img_len + BS - 1) / BS;
	unsigned char *out = calloc(1, BS + (nrec + 2) * 16 + img_len + BS);
	if (!out)
		exit(1);
	memcpy(out, "makedumpfile", 12);
	be(out + 16, 1);
	be(out + 24, 1);
	size_t o = BS;
	// garbage first (stream order: the real record of block 0 comes later)
	be(out + o, 0);
	be(out + o + 8, 64);
	memset(out + o + 16, 0xa5, 64);
	o += 16 + 64;
	size_t order[256], n = 0;
	for (size_t b = 0; b < nrec; b++)
		order[n++] = b;
	for (size_t k = 0; k + 1 < n; k += 2) { // swap neighbours: out of order
		size_t t = order[k];
		order[k] = order[k + 1];
		order[k + 1] = t;
	}
	for (size_t k = 0; k < n; k++) {
		size_t off = order[k] * BS, sz = img_len - off < BS ? img_len - off : BS;
		be(out + o, off);
		be(out + o + 8, sz);
		memcpy(out + o + 16, img + off, sz);
		o += 16 + sz;
	}
	be(out + o, UINT64_MAX);
	be(out + o + 8, 0);
	o += 16;
	*len = o;
	return out;
}

static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static void mkring(unsigned char *m)
{
	memset(m, 0, LOG_FUZZ_SEED_SIZE);
	put64(m + 0, LOG_FUZZ_BASE + LOG_RB);             // prb
	unsigned char *rb = m + LOG_RB;
	const unsigned count_bits = 3, size_bits = 10;
	memcpy(rb + 0, &count_bits, 4);                    // desc_ring.count_bits
	put64(rb + 8, LOG_FUZZ_BASE + LOG_DESCS);
	put64(rb + 16, LOG_FUZZ_BASE + LOG_INFOS);
	memcpy(rb + 48, &size_bits, 4);                    // text_data_ring.size_bits
	put64(rb + 56, LOG_FUZZ_BASE + LOG_DATA);
	static const char *const msgs[] = {
		"Linux version 6.1.0-fuzz", "Command line: console=ttyS0",
		"a message\nof two lines", "pci 0000:00:01.0: [8086:7000] type 00",
		"tab\tand \x1b escape", "sysrq: Trigger a crash",
	};
	const uint64_t first_id = 8 - 2; // ids 6..11: the descriptor index wraps
	uint64_t lpos = 1024 - 200;      // so does the data ring
	for (uint64_t k = 0; k < 6; k++) {
		uint64_t id = first_id + k, idx = id & 7;
		size_t len = strlen(msgs[k]);
		uint64_t need = (8 + len + 7) & ~7ull, begin = lpos;
		uint64_t at = begin & 1023;
		if (at + need > 1024) { // does not fit before the end: wrap
			begin = lpos;
			lpos = (lpos | 1023) + 1;
			at = 0;
		}
		uint64_t next = lpos + need;
		put64(m + LOG_DATA + at, id);
		memcpy(m + LOG_DATA + at + 8, msgs[k], len);
		unsigned char *d = m + LOG_DESCS + idx * 24;
		put64(d + 0, (2ull << 62) | id);               // finalized
		put64(d + 8, begin);
		put64(d + 16, next);
		unsigned char *info = m + LOG_INFOS + idx * 88;
		put64(info + 0, k);                            // seq
		put64(info + 8, 1000000ull * (k * k + 1));     // ts_nsec
		uint16_t tl = (uint16_t)len;
		memcpy(info + 16, &tl, 2);
		info[19] = (unsigned char)((k % 8) << 5);      // level
		uint32_t caller = k % 2 ? 0x80000001u : (uint32_t)k + 1;
		memcpy(info + 20, &caller, 4);
		if (k == 3) {
			memcpy(info + 24, "pci", 4);
			memcpy(info + 24 + 16, "+pci:0000:00:01.0", 18);
		}
		lpos = next;
	}
	put64(rb + 24, first_id + 5);                      // head_id
	put64(rb + 32, first_id);                          // tail_id
	put64(rb + 64, lpos);                              // head_lpos
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds DIR VMCOREINFO_TEXT_FILE\n");
		return 2;
	}
	FILE *vf = fopen(argv[2], "rb");
	if (!vf) {
		perror(argv[2]);
		return 1;
	}
	static char vmci[65536];
	size_t vlen = fread(vmci, 1, sizeof(vmci) - 1, vf);
	fclose(vf);
	mkkdump(vmci, vlen);
	size_t flen;
	unsigned char *flat = mkflat(&flen);
	static unsigned char ring[LOG_FUZZ_SEED_SIZE];
	mkring(ring);
	int rc = write_file(argv[1], "mini.kdump", img, img_len) |
		 write_file(argv[1], "mini.flat", flat, flen) |
		 write_file(argv[1], "ring.mem", ring, sizeof(ring));
	free(flat);
	free(img);
	return rc;
}
