// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a dump: probe the format table by content, never by file name;
// then physical reads, page by page through the page cache, or in one piece
// for plain formats.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

// The formats of shell/fmt/format_list.h, declared and then tried in order.
#define KD_FORMAT(name) extern const struct kd_format_ops kd_format_##name;
#include "../fmt/format_list.h"
#undef KD_FORMAT

static const struct kd_format_ops *const formats[] = {
#define KD_FORMAT(name) &kd_format_##name,
#include "../fmt/format_list.h"
#undef KD_FORMAT
};

#define PROBE_LEN 65536

// A format's name as messages show it ("ELF", "KDUMP"): the table's names
// are lowercase identifiers, not words for a sentence.
static const char *format_title(const struct kd_format_ops *fmt, char *buf, size_t len)
{
	size_t i = 0;
	for (; fmt->name[i] && i + 1 < len; i++)
		buf[i] = (char)toupper((unsigned char)fmt->name[i]);
	buf[i] = '\0';
	return buf;
}

struct kd_error *kd_core_open_multi(const char *const *paths, size_t npaths, struct kd_core **ret)
{
	if (!npaths)
		return kd_error_create(KD_ERR_USAGE, "no dump file given");
	struct kd_core *c = calloc(1, sizeof(*c));
	if (!c)
		return &kd_enomem;
	struct kd_error *err = NULL;
	unsigned char *hdr = NULL;
	c->files = calloc(npaths, sizeof(*c->files));
	if (!c->files) {
		err = &kd_enomem;
		goto fail;
	}
	for (size_t i = 0; i < npaths; i++) {
		err = kd_file_open(paths[i], &c->files[i]);
		if (err)
			goto fail;
		c->nfiles++;
		struct kd_file *f = c->files[i];
		unsigned char magic[32];
		if (f->size >= sizeof(magic)) {
			err = kd_file_pread(f, magic, sizeof(magic), 0);
			if (err)
				goto fail;
			if (kd_file_is_flattened(magic, sizeof(magic))) {
				err = kd_file_flatten(f);
				if (err)
					goto fail;
			}
		}
	}
	c->file = c->files[0];
	const char *path = paths[0];
	hdr = malloc(PROBE_LEN);
	if (!hdr) {
		err = &kd_enomem;
		goto fail;
	}
	size_t hlen = c->file->size < PROBE_LEN ? (size_t)c->file->size : PROBE_LEN;
	if (hlen == 0) {
		err = kd_error_create(KD_ERR_CORRUPT, "'%s' is empty", path);
		goto fail;
	}
	err = kd_file_pread(c->file, hdr, hlen, 0);
	if (err)
		goto fail;
	char what[160], title[16];
	if (kd_format_refused(c->file, hdr, hlen, what, sizeof(what))) {
		err = kd_error_create(KD_ERR_UNSUPPORTED, "'%s' is %s, which kdive does not read", path, what);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i]->probe(hdr, hlen)) {
			c->fmt = formats[i];
			break;
		}
	}
	if (!c->fmt) {
		err = kd_error_create(KD_ERR_UNSUPPORTED,
				      "'%s' is not a kernel dump kdive can read (unknown format%s)", path,
				      c->file->flat ? " inside the flattened stream" : "");
		goto fail;
	}
	if (npaths > 1 && !(c->fmt->flags & KD_FMT_PARTS)) {
		// kdump is the one format with parts today: name it, as users
		// know it (reword this when a second one comes)
		err = kd_error_create(KD_ERR_USAGE,
				      "'%s' is a dump in the %s format: only kdump-compressed dumps come in several parts (makedumpfile --split)",
				      path, format_title(c->fmt, title, sizeof(title)));
		goto fail;
	}
	err = c->fmt->open(c);
	if (err) {
		err = kd_error_prefix(err, "cannot open '%s' (%s format)", path,
				      format_title(c->fmt, title, sizeof(title)));
		goto fail;
	}
	kd_core_sort_ranges(c);
	free(hdr);
	*ret = c;
	return NULL;
fail:
	free(hdr);
	kd_core_close(c);
	return err;
}

struct kd_error *kd_core_open(const char *path, struct kd_core **ret)
{
	return kd_core_open_multi(&path, 1, ret);
}

void kd_core_close(struct kd_core *c)
{
	if (!c)
		return;
	if (c->fmt && c->fmt->close)
		c->fmt->close(c);
	for (size_t i = 0; i < c->nfiles; i++)
		kd_file_close(c->files[i]);
	free(c->files);
	kd_cache_destroy(c->cache);
	free(c->ranges);
	free(c->vsegs);
	free(c->notes);
	free(c->notes_buf);
	free(c->vmcoreinfo);
	free(c->format_desc);
	free(c->format_detail);
	free(c->scratch);
	free(c);
}

// The cache is made on first use, once the page size is known; size_t -1
// in cache_pages means "not chosen yet" (take kd_cache_default_pages()).
static bool cache_usable(struct kd_core *c, uint64_t page_size)
{
	if (c->fmt->flags & KD_FMT_LIVE)
		return false;
	if (!c->cache) {
		size_t n = c->cache_pages_set ? c->cache_pages : kd_cache_default_pages();
		// The page size comes from the dump (kdump block_size may say
		// 1 MiB): keep the default cache within 64 MiB whatever it says.
		if (!c->cache_pages_set && n > (64u << 20) / page_size)
			n = (64u << 20) / page_size ? (size_t)((64u << 20) / page_size) : 1;
		struct kd_error *err = kd_cache_create(n, (size_t)page_size, &c->cache);
		if (err) {
			kd_error_destroy(err);
			return false;
		}
		c->cache_page_size = page_size;
	}
	return c->cache_page_size == page_size;
}

struct kd_error *kd_core_read_phys(struct kd_core *c, uint64_t paddr, void *buf, size_t len,
				   uint64_t page_size)
{
	if (c->page_size)
		page_size = c->page_size;
	// Plain formats: one big pread for large reads, and always for live
	// memory (no copy of it may outlive the command).
	if (c->fmt->read && (!c->fmt->read_page || (c->fmt->flags & KD_FMT_LIVE) || len > page_size))
		return c->fmt->read(c, paddr, buf, len);
	char *p = buf;
	bool use_cache = cache_usable(c, page_size);
	while (len) {
		uint64_t pfn = paddr / page_size, in = paddr % page_size;
		size_t n = len < page_size - in ? len : (size_t)(page_size - in);
		const unsigned char *page = use_cache ? kd_cache_lookup(c->cache, pfn) : NULL;
		if (!page) {
			unsigned char *slot = use_cache ? kd_cache_slot(c->cache, pfn) : NULL;
			if (!slot) {
				if (!c->scratch || c->scratch_size != page_size) {
					free(c->scratch);
					c->scratch_size = 0;
					c->scratch = malloc((size_t)page_size);
					if (!c->scratch)
						return &kd_enomem;
					c->scratch_size = page_size;
				}
			}
			unsigned char *dst = slot ? slot : c->scratch;
			struct kd_error *err = c->fmt->read_page(c, pfn, page_size, dst);
			if (err) {
				if (slot)
					kd_cache_abort(c->cache);
				// A page the format cannot give whole (an ELF segment
				// ending inside it): read just the bytes asked for.
				if (!c->fmt->read)
					return err;
				kd_error_destroy(err);
				err = c->fmt->read(c, paddr, p, n);
				if (err)
					return err;
				goto next;
			}
			if (slot)
				kd_cache_commit(c->cache);
			page = dst;
		}
		memcpy(p, page + in, n);
next:
		p += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

void kd_core_cache_stats(const struct kd_core *c, struct kd_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (c && c->cache)
		kd_cache_get_stats(c->cache, st);
	else if (c)
		st->capacity = c->cache_pages_set ? c->cache_pages : kd_cache_default_pages();
	if (c)
		st->decompressions = c->decompressions;
}

struct kd_error *kd_core_set_cache(struct kd_core *c, size_t npages)
{
	if (npages > (1u << 24))
		return kd_error_create(KD_ERR_USAGE, "cache size %zu pages is too large (at most %u)",
				       npages, 1u << 24);
	c->cache_pages = npages;
	c->cache_pages_set = true;
	if (c->cache)
		return kd_cache_resize(c->cache, npages);
	return NULL;
}
