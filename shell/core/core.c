// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a dump: probe the format table by content, never by file name.
#include <stdlib.h>
#include <string.h>

#include "core.h"

static const struct kd_format_ops *const formats[] = {
	&kd_format_elf,
};

struct kd_error *kd_core_open(const char *path, struct kd_core **ret)
{
	struct kd_core *c = calloc(1, sizeof(*c));
	if (!c)
		return &kd_enomem;
	struct kd_error *err = kd_file_open(path, &c->file);
	if (err) {
		free(c);
		return err;
	}
	unsigned char hdr[4096];
	size_t hlen = c->file->size < sizeof(hdr) ? (size_t)c->file->size : sizeof(hdr);
	if (hlen == 0) {
		err = kd_error_create(KD_ERR_CORRUPT, "'%s' is empty", path);
		goto fail;
	}
	err = kd_file_pread(c->file, hdr, hlen, 0);
	if (err)
		goto fail;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i]->probe(hdr, hlen)) {
			c->fmt = formats[i];
			break;
		}
	}
	if (!c->fmt) {
		err = kd_error_create(KD_ERR_UNSUPPORTED,
				      "'%s' is not a kernel dump kdive can read (unknown format)", path);
		goto fail;
	}
	err = c->fmt->open(c);
	if (err) {
		err = kd_error_prefix(err, "cannot open '%s' as %s", path, c->fmt->name);
		goto fail;
	}
	kd_core_sort_ranges(c);
	*ret = c;
	return NULL;
fail:
	kd_core_close(c);
	return err;
}

void kd_core_close(struct kd_core *c)
{
	if (!c)
		return;
	if (c->fmt && c->fmt->close)
		c->fmt->close(c);
	kd_file_close(c->file);
	free(c->ranges);
	free(c->notes);
	free(c->notes_buf);
	free(c->vmcoreinfo);
	free(c->format_desc);
	free(c);
}

struct kd_error *kd_core_add_range(struct kd_core *c, const struct kd_phys_range *r)
{
	struct kd_phys_range *n = realloc(c->ranges, (c->nranges + 1) * sizeof(*n));
	if (!n)
		return &kd_enomem;
	c->ranges = n;
	c->ranges[c->nranges++] = *r;
	return NULL;
}

static int range_cmp(const void *a, const void *b)
{
	const struct kd_phys_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

void kd_core_sort_ranges(struct kd_core *c)
{
	if (c->nranges)
		qsort(c->ranges, c->nranges, sizeof(*c->ranges), range_cmp);
}

const struct kd_phys_range *kd_core_find_range(const struct kd_core *c, uint64_t paddr)
{
	size_t lo = 0, hi = c->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kd_phys_range *r = &c->ranges[mid];
		if (paddr < r->start)
			hi = mid;
		else if (paddr - r->start >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

struct kd_error *kd_core_read_phys(struct kd_core *c, uint64_t paddr, void *buf, size_t len,
				   uint64_t page_size)
{
	char *p = buf;
	while (len) {
		uint64_t in_page = page_size - (paddr & (page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		struct kd_error *err = c->fmt->read(c, paddr, p, n);
		if (err)
			return err;
		p += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static uint32_t rd32(const unsigned char *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

// Elf64_Nhdr and Elf32_Nhdr are the same: three 4-byte words, then the name
// and the descriptor, each padded to 4 bytes (include/uapi/linux/elf.h).
struct kd_error *kd_core_parse_notes(struct kd_core *c, void *buf, size_t len, bool big_endian)
{
	free(c->notes_buf);
	c->notes_buf = buf;
	unsigned char *p = buf;
	size_t off = 0;
	while (len - off >= 12) {
		uint32_t namesz = rd32(p + off, big_endian);
		uint32_t descsz = rd32(p + off + 4, big_endian);
		uint32_t type = rd32(p + off + 8, big_endian);
		size_t name_off = off + 12;
		size_t nalign = ((size_t)namesz + 3) & ~(size_t)3;
		size_t dalign = ((size_t)descsz + 3) & ~(size_t)3;
		if (nalign > len - name_off || dalign > len - name_off - nalign)
			break; // malformed tail: keep what we have
		if (namesz == 0 && descsz == 0 && type == 0) {
			off = name_off;
			continue; // padding
		}
		struct kd_note *n = realloc(c->notes, (c->nnotes + 1) * sizeof(*n));
		if (!n)
			return &kd_enomem;
		c->notes = n;
		char *name = (char *)p + name_off;
		// Names are NUL-terminated within namesz; force it for hostile input.
		if (namesz)
			name[namesz - 1] = '\0';
		c->notes[c->nnotes++] = (struct kd_note){
			.name = namesz ? name : "",
			.type = type,
			.desc = p + name_off + nalign,
			.descsz = descsz,
		};
		off = name_off + nalign + dalign;
	}
	return NULL;
}
