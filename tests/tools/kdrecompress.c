// SPDX-License-Identifier: GPL-3.0-or-later
// kdrecompress: rewrite a real little-endian 64-bit kdump-compressed dump
// with every dumped page re-compressed by snappy or zstd (Debian's
// makedumpfile is built without both: its -p/-z write raw pages).  The
// header, sub-header, notes, VMCOREINFO and bitmaps (everything before the
// page descriptors) are copied unchanged except the header's status; then
// one page_desc_t per dumped pfn and the new page data (layout: makedumpfile
// diskdump_mod.h).  Pages are decoded through kdive's core, so the output
// is only as right as the reader; the identity test compares it with the
// QEMU ELF reference, not with the input.
//
// usage: kdrecompress IN OUT snappy|zstd|zlib|raw
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "core/session_priv.h"
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int die(const char *msg)
{
	fprintf(stderr, "kdrecompress: %s\n", msg);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return die("usage: kdrecompress IN OUT snappy|zstd|zlib|raw");
	uint32_t flag;
	if (strcmp(argv[3], "zlib") == 0)
		flag = 0x1;
	else if (strcmp(argv[3], "snappy") == 0)
		flag = 0x4;
	else if (strcmp(argv[3], "zstd") == 0)
		flag = 0x20;
	else if (strcmp(argv[3], "raw") == 0)
		flag = 0;
	else
		return die("unknown compression");
#ifndef HAVE_SNAPPY
	if (flag == 0x4)
		return die("built without snappy");
#endif
#ifndef HAVE_ZSTD
	if (flag == 0x20)
		return die("built without zstd");
#endif
	FILE *in = fopen(argv[1], "rb");
	if (!in)
		return die("cannot open input");
	unsigned char hdr[4096];
	if (fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr) || memcmp(hdr, "KDUMP   ", 8) != 0)
		return die("input is not a kdump-compressed dump (flattened input: not supported)");
	uint32_t bs = le32(hdr + 428), sub = le32(hdr + 432), bmb = le32(hdr + 436);
	if (bs != 4096)
		return die("block size is not 4096");
	uint64_t data_off = (1 + (uint64_t)sub + bmb) * bs;
	unsigned char *head = malloc(data_off);
	if (!head || fseek(in, 0, SEEK_SET) || fread(head, 1, data_off, in) != data_off)
		return die("short input");
	fclose(in);
	uint64_t max_mapnr = le64(head + bs + 96);
	uint64_t half = (uint64_t)bmb * bs / 2;
	const unsigned char *bm2 = head + (1 + (uint64_t)sub) * bs + half;
	if (max_mapnr > half * 8)
		return die("single-bitmap dumps are not supported");
	put32(head + 424, (le32(head + 424) & ~0x27u) | flag);

	struct kd_session *s;
	struct kd_error *err = kd_session_create(argv[1], NULL, &s);
	if (err)
		return die(err->msg);
	uint64_t n = 0;
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++)
		n += bm2[pfn >> 3] >> (pfn & 7) & 1;
	FILE *out = fopen(argv[2], "wb");
	if (!out || fwrite(head, 1, data_off, out) != data_off)
		return die("cannot write output");
	unsigned char *descs = calloc(n ? n : 1, 24);
	unsigned char page[4096], comp[8192];
	uint64_t pos = data_off + n * 24, i = 0;
	if (!descs || fseek(out, (long)pos, SEEK_SET))
		return die("out of memory");
#ifdef HAVE_ZSTD
	ZSTD_CCtx *zc = ZSTD_createCCtx();
#endif
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!(bm2[pfn >> 3] >> (pfn & 7) & 1))
			continue;
		err = kd_read_phys(s, pfn * bs, page, bs);
		if (err)
			return die(err->msg);
		size_t clen = sizeof(comp);
		bool ok = false;
		if (flag == 0x1) {
			uLongf zl = sizeof(comp);
			ok = compress2(comp, &zl, page, bs, 1) == Z_OK;
			clen = zl;
		}
#ifdef HAVE_SNAPPY
		if (flag == 0x4)
			ok = snappy_compress((const char *)page, bs, (char *)comp, &clen) == SNAPPY_OK;
#endif
#ifdef HAVE_ZSTD
		if (flag == 0x20) {
			clen = ZSTD_compressCCtx(zc, comp, sizeof(comp), page, bs, 1);
			ok = !ZSTD_isError(clen);
		}
#endif
		const unsigned char *data = comp;
		uint32_t f = flag;
		if (!ok || clen >= bs) { // as makedumpfile: incompressible pages stay raw
			data = page;
			clen = bs;
			f = 0;
		}
		unsigned char *d = descs + i++ * 24;
		put64(d, pos);
		put32(d + 8, (uint32_t)clen);
		put32(d + 12, f);
		put64(d + 16, 0);
		if (fwrite(data, 1, clen, out) != clen)
			return die("write failed");
		pos += clen;
	}
	if (fseek(out, (long)data_off, SEEK_SET) || fwrite(descs, 24, n, out) != n || fclose(out))
		return die("write failed");
#ifdef HAVE_ZSTD
	ZSTD_freeCCtx(zc);
#endif
	free(descs);
	free(head);
	kd_session_destroy(s);
	return 0;
}
