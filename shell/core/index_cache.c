// SPDX-License-Identifier: GPL-3.0-or-later
// The per-kernel-build index cache (see index_cache.h): one file per kernel
// build and KASLR offset holding the decoded kallsyms table, so that a
// second dump of the same build starts without decoding ~100,000 names.
//
// File (host byte order; the header's endian word refuses a foreign one):
//   struct file_header (its own checksum over its other bytes)
//   u64 addr[n]  u32 start[n + 1]  u32 hash[n]  u32 ht[hcap]
//   char text[text_len]  8 zero bytes
// (kd_kallsyms_table with the symbol table's name hashes and its hash
// table; each array aligned for its type); payload_sum covers them all.
// The file is mapped, not read: the symbol table uses the arrays in place
// (symtab.c), so a warm start neither copies nor rebuilds them.  The
// mapping is private: the symbol table's later inserts into ht (modules'
// symbols) go to copies of the pages they touch, never to the file.  A file is used only when every
// check holds: magic, version, header size, checksums, the sizes against
// each other and the file's, the layout (the kallsyms tables' addresses from
// VMCOREINFO), the dump's kallsyms_num_syms and relative_base, a hash of the
// dump's token index and first names, 17 symbol values read again from the
// dump, and the table's own shape (offsets rising, each name NUL-ended).
// Writes go to a temporary file renamed into place, so a reader never sees
// half a file and concurrent sessions do not collide.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kdive/vmcoreinfo.h>

#include "hash.h"
#include "index_cache.h"
#include "session_priv.h"

enum {
	CACHE_VERSION = 3,       // 2: addr first, the hash table kept, mapped in place; 3: sum64 in 4 lanes
	ENDIAN_TAG = 0x01020304,
	BUILD_ID_MAX = 128,
	SAMPLES = 17,
	MAX_SYMS = 10 * 1000 * 1000,
};
static const char magic[8] = "KDIVEIDX";
#define MAX_FILE (512ull << 20)

/*
 * What both kinds of file (kallsyms, BTF indexes) start with, checked by one
 * function (prefix_check); n is the symbol count or the BTF's type count.
 * Each header ends with header_sum, its checksum with header_sum 0.
 */
struct prefix {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t endian;
	uint32_t n;
	char build_id[BUILD_ID_MAX + 8];
	uint64_t kaslr;
};

struct file_header {
	struct prefix p;
	struct kd_kallsyms_layout layout;
	uint32_t encoding;
	uint32_t flags;          // 1: big_lengths, 2: stext_checked
	uint64_t relative_base;
	uint64_t text_len;
	uint64_t payload_size;
	uint64_t payload_sum;
	uint64_t probe_sum;      // the dump's token index and first names
	uint64_t hcap;           // entries of ht: a power of two, at least 2n
	uint64_t header_sum;     // of this header with header_sum 0
};

bool kd_cache_tracing(void)
{
	const char *e = getenv("KDIVE_CACHE_TRACE");
	return e && *e && strcmp(e, "0") != 0;
}

__attribute__((format(printf, 1, 2))) static void trace(const char *fmt, ...)
{
	if (!kd_cache_tracing())
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("kdive: index cache: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * A checksum of the bytes (Fletcher's scheme on 64-bit words: a running
 * sum and a sum of sums, so a changed, moved or missing word shows), chained
 * through h; two additions a word.
 */
static uint64_t sum64(uint64_t h, const void *buf, size_t len)
{
	// Four such pairs over interleaved words (32 bytes a step: the loads
	// and additions of the lanes overlap), folded into one at the end.
	const unsigned char *p = buf;
	uint64_t a0 = h, a1 = h + 1, a2 = h + 2, a3 = h + 3, b0 = h ^ len, b1 = 0, b2 = 0, b3 = 0;
	for (; len >= 32; p += 32, len -= 32) {
		uint64_t w0, w1, w2, w3;
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		memcpy(&w2, p + 16, 8);
		memcpy(&w3, p + 24, 8);
		b0 += a0 += w0;
		b1 += a1 += w1;
		b2 += a2 += w2;
		b3 += a3 += w3;
	}
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		b0 += a0 += w;
	}
	uint64_t w = 0;
	memcpy(&w, p, len);
	b0 += a0 += w;
	uint64_t r = kd_hash_word(a0, b0);
	r = kd_hash_word(r, kd_hash_word(a1, b1));
	r = kd_hash_word(r, kd_hash_word(a2, b2));
	return kd_hash_word(r, kd_hash_word(a3, b3));
}

static uint64_t payload_sum(const struct kd_kallsyms_table *t, uint64_t n, uint64_t text_len)
{
	uint64_t h = sum64(0x7061796cull, t->addr, n * 8);
	h = sum64(h, t->start, (n + 1) * 4);
	h = sum64(h, t->hash, n * 4);
	h = sum64(h, t->ht, (uint64_t)t->hcap * 4);
	return sum64(h, t->text, text_len);
}

static uint64_t payload_size(uint64_t n, uint64_t hcap, uint64_t text_len)
{
	return n * 8 + (n + 1) * 4 + n * 4 + hcap * 4 + text_len + 8;
}

static bool hex_string(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");
	return n > 0 && n <= max && s[n] == '\0';
}

bool kd_cache_dir(const char *sub, char *dir, size_t dsize)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int r;
	if (xdg && xdg[0] == '/')
		r = snprintf(dir, dsize, "%s/kdive/%s", xdg, sub);
	else if (home && home[0] == '/')
		r = snprintf(dir, dsize, "%s/.cache/kdive/%s", home, sub);
	else
		return false;
	return r > 0 && (size_t)r < dsize;
}

/* The directory and file for this dump's build; false when there is none. */
static bool cache_paths(struct kd_session *s, const char *suffix, char *dir, size_t dsize, char *file,
			size_t fsize, char *bid_ret, uint64_t *kaslr_ret)
{
	if (s->opts.no_cache)
		return false;
	const char *bid = kd_vmcoreinfo_get(s, "BUILD-ID");
	if (!bid || !hex_string(bid, BUILD_ID_MAX)) {
		trace("no usable BUILD-ID in VMCOREINFO: not cached");
		return false;
	}
	const char *ko = kd_vmcoreinfo_get(s, "KERNELOFFSET");
	uint64_t kaslr = 0;
	if (ko) {
		if (!hex_string(ko, 16)) {
			trace("KERNELOFFSET '%s' is not a number: not cached", ko);
			return false;
		}
		kaslr = strtoull(ko, NULL, 16);
	}
	if (!kd_cache_dir("index", dir, dsize))
		return false;
	int r = snprintf(file, fsize, "%s/%s-%" PRIx64 ".%s", dir, bid, kaslr, suffix);
	if (r < 0 || (size_t)r >= fsize)
		return false;
	snprintf(bid_ret, BUILD_ID_MAX + 8, "%s", bid);
	*kaslr_ret = kaslr;
	return true;
}

static struct kd_error *read_kernel_cb(void *arg, uint64_t va, void *buf, size_t len)
{
	return kd_read_kernel(arg, va, buf, len);
}

/* The dump's token index and first names, hashed; false when unreadable. */
static bool probe_sum(struct kd_session *s, const struct kd_kallsyms_layout *l, uint32_t n, uint64_t *ret)
{
	unsigned char idx[512], names[256];
	size_t nlen = n < sizeof(names) ? n : sizeof(names);
	struct kd_error *err = kd_read_kernel(s, l->token_index, idx, sizeof(idx));
	if (!err)
		err = kd_read_kernel(s, l->names, names, nlen);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*ret = sum64(sum64(0x6b646976652d6964ull, idx, sizeof(idx)), names, nlen);
	return true;
}

static void prefix_fill(struct prefix *p, const char m[8], size_t header_size, uint32_t n, const char *bid,
			uint64_t kaslr)
{
	memcpy(p->magic, m, sizeof(p->magic));
	p->version = CACHE_VERSION;
	p->header_size = (uint32_t)header_size;
	p->endian = ENDIAN_TAG;
	p->n = n;
	snprintf(p->build_id, sizeof(p->build_id), "%s", bid);
	p->kaslr = kaslr;
}

/* A header's checksum: of its bytes with the last word (header_sum) 0. */
static uint64_t header_sum(const void *h, size_t size, uint64_t seed)
{
	unsigned char c[512];
	memcpy(c, h, size);
	memset(c + size - 8, 0, 8);
	return sum64(seed, c, size);
}

static void header_fill(struct file_header *h, const char *bid, uint64_t kaslr,
			const struct kd_kallsyms_layout *l, const struct kd_kallsyms_info *info, uint32_t n)
{
	memset(h, 0, sizeof(*h));
	prefix_fill(&h->p, magic, sizeof(*h), n, bid, kaslr);
	h->layout = *l;
	h->encoding = info->encoding;
	h->flags = (info->big_lengths ? 1u : 0) | (info->stext_checked ? 2u : 0);
	h->relative_base = info->relative_base;
}

static bool layout_equal(const struct kd_kallsyms_layout *a, const struct kd_kallsyms_layout *b)
{
	return a->names == b->names && a->token_table == b->token_table &&
	       a->token_index == b->token_index && a->num_syms == b->num_syms &&
	       a->offsets == b->offsets && a->relative_base == b->relative_base &&
	       a->addresses == b->addresses && a->stext == b->stext;
}

static bool pread_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	while (len) {
		ssize_t r = pread(fd, p, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
	}
	return true;
}

/*
 * Read a header of size bytes (a struct prefix first, header_sum last) and
 * check what every cache file shares: a regular file of a sane size, the
 * magic, version, header size and byte order, the header's checksum, the
 * build and KASLR offset.  Why the file cannot be used, or NULL; *fsize is
 * the file's size.
 */
static const char *prefix_check(int fd, void *hdr, size_t size, const char m[8], uint64_t seed, const char *bid,
				uint64_t kaslr, uint64_t *fsize)
{
	struct stat st;
	struct prefix *p = hdr;
	uint64_t sum;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return "not a regular file";
	if ((uint64_t)st.st_size < size || (uint64_t)st.st_size > MAX_FILE)
		return "truncated or oversized";
	if (!pread_all(fd, hdr, size, 0))
		return "unreadable header";
	if (memcmp(p->magic, m, sizeof(p->magic)) != 0)
		return "bad magic";
	if (p->version != CACHE_VERSION || p->header_size != size || p->endian != ENDIAN_TAG)
		return "another version or byte order";
	memcpy(&sum, (const char *)hdr + size - 8, 8);
	if (header_sum(hdr, size, seed) != sum)
		return "header checksum mismatch";
	p->build_id[sizeof(p->build_id) - 1] = '\0';
	if (strcmp(p->build_id, bid) != 0 || p->kaslr != kaslr)
		return "another build or KASLR offset";
	*fsize = (uint64_t)st.st_size;
	return NULL;
}

enum { KALLSYMS_SEED = 0x68656164, BTF_SEED = 0x62746668 };
static const char slack[8]; // after the names: zero, so 8-byte reads past a name's end stay in the file
_Static_assert(offsetof(struct file_header, header_sum) == sizeof(struct file_header) - 8 &&
		       sizeof(struct file_header) <= 512 && sizeof(struct file_header) % 8 == 0,
	       "header_sum ends the header; the addresses after it are aligned");

/* Why the file cannot be used, NULL when it can; fills t. */
static const char *load_file(struct kd_session *s, int fd, const struct kd_kallsyms_layout *l,
			     const char *bid, uint64_t kaslr, struct kd_kallsyms_table *t)
{
	struct file_header h;
	uint64_t fsize;
	const char *why = prefix_check(fd, &h, sizeof(h), magic, KALLSYMS_SEED, bid, kaslr, &fsize);
	if (why)
		return why;
	if (!layout_equal(&h.layout, l))
		return "the kallsyms tables are elsewhere in this dump";
	if (h.p.n == 0 || h.p.n > MAX_SYMS || h.encoding < KD_KALLSYMS_ABSOLUTE ||
	    h.encoding > KD_KALLSYMS_ABSOLUTE_PERCPU || h.text_len > UINT32_MAX - 4096)
		return "implausible header";
	uint64_t n = h.p.n;
	if (h.payload_size != payload_size(n, h.hcap, h.text_len) || fsize != sizeof(h) + h.payload_size)
		return "sizes disagree (truncated?)";
	// The dump must agree before the payload is read.
	uint32_t dump_n;
	struct kd_error *err = kd_read_kernel(s, l->num_syms, &dump_n, sizeof(dump_n));
	if (err) {
		kd_error_destroy(err);
		return "kallsyms_num_syms unreadable in the dump";
	}
	if (dump_n != h.p.n)
		return "the dump's kallsyms_num_syms differs";
	uint64_t ps;
	if (!probe_sum(s, l, h.p.n, &ps) || ps != h.probe_sum)
		return "the dump's token index or names differ";
	struct kd_kallsyms_info info = { .num_syms = h.p.n, .encoding = (enum kd_kallsyms_encoding)h.encoding,
					 .big_lengths = h.flags & 1, .stext_checked = h.flags & 2,
					 .relative_base = h.relative_base };
	if (info.encoding != KD_KALLSYMS_ABSOLUTE) {
		uint64_t base;
		err = kd_read_kernel(s, l->relative_base, &base, sizeof(base));
		bool same = !err && base == h.relative_base;
		kd_error_destroy(err);
		if (!same)
			return "the dump's kallsyms_relative_base differs";
	}
	if (h.hcap < 2 * n || h.hcap > (1u << 28) || (h.hcap & (h.hcap - 1)))
		return "implausible hash table size";
	// Mapped whole (the header is checked above, the sizes against the
	// file's): the arrays are used where they lie.
	char *map = mmap(NULL, (size_t)fsize, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return "cannot map the file";
	t->map = map;
	t->map_size = (size_t)fsize;
	char *q = map + sizeof(h);
	t->addr = (uint64_t *)q;
	t->start = (uint32_t *)(q += n * 8);
	t->hash = (uint32_t *)(q += (n + 1) * 4);
	t->ht = (uint32_t *)(q += n * 4);
	t->hcap = (uint32_t)h.hcap;
	t->text = q + h.hcap * 4;
	uint64_t sum = payload_sum(t, n, h.text_len);
	if (sum != h.payload_sum || memcmp(t->text + h.text_len, slack, sizeof(slack)) != 0)
		return "payload checksum mismatch";
	for (uint64_t i = 0; i < h.hcap; i++)
		if (t->ht[i] > n)
			return "bad hash table";
	if (t->start[0] != 0 || t->start[n] != h.text_len)
		return "bad name offsets";
	for (uint64_t i = 0; i < n; i++)
		if (t->start[i + 1] <= t->start[i] || t->text[t->start[i + 1] - 1] != '\0')
			return "bad name offsets";
	for (uint32_t k = 0; k < SAMPLES; k++) {
		uint32_t i = (uint32_t)((n - 1) * k / (SAMPLES - 1));
		uint64_t a;
		err = kd_kallsyms_read_addr(l, &info, read_kernel_cb, s, i, &a);
		bool same = !err && a == t->addr[i];
		kd_error_destroy(err);
		if (!same)
			return "a symbol's value differs from the dump's";
	}
	t->n = h.p.n;
	t->info = info;
	return NULL;
}

bool kd_index_cache_kallsyms_load(struct kd_session *s, const struct kd_kallsyms_layout *l,
				  struct kd_kallsyms_table *ret)
{
	char dir[4096], file[4096 + 256], bid[BUILD_ID_MAX + 8];
	uint64_t kaslr;
	memset(ret, 0, sizeof(*ret));
	if (!cache_paths(s, "kallsyms", dir, sizeof(dir), file, sizeof(file), bid, &kaslr))
		return false;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		trace("%s: %s", file, strerror(errno));
		return false;
	}
	const char *why = load_file(s, fd, l, bid, kaslr, ret);
	close(fd);
	if (why) {
		trace("%s: %s: rebuilt", file, why);
		kd_kallsyms_table_free(ret);
		return false;
	}
	trace("%s: used (%" PRIu32 " symbols)", file, ret->n);
	return true;
}

/* mkdir -p of the cache directory (what exists is left as it is). */
static bool make_dirs(char *dir)
{
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		bool ok = mkdir(dir, 0700) == 0 || errno == EEXIST;
		*p = c;
		if (!ok)
			return false;
		if (!c)
			return true;
	}
}

struct part {
	const void *p;
	size_t len;
};

/* The parts into a temporary file, renamed to file: true when done; else *what failed (errno set). */
static bool write_parts(char *dir, const char *file, const struct part *parts, size_t nparts, const char **what)
{
	char tmp[4096 + 300];
	*what = dir;
	if (!make_dirs(dir))
		return false;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file);
	int fd = mkstemp(tmp);
	*what = file;
	if (fd < 0)
		return false;
	bool ok = true;
	for (size_t i = 0; i < nparts && ok; i++)
		ok = write_all(fd, parts[i].p, parts[i].len);
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, file) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		errno = e;
	}
	return ok;
}

static bool write_file(char *dir, const char *file, const struct part *parts, size_t nparts)
{
	const char *what;
	bool ok = write_parts(dir, file, parts, nparts, &what);
	if (!ok)
		trace("%s: %s: not cached", what, strerror(errno));
	return ok;
}

bool kd_cache_write(char *dir, const char *file, const void *buf, size_t len)
{
	const struct part p = { buf, len };
	const char *what;
	return write_parts(dir, file, &p, 1, &what);
}

void kd_index_cache_kallsyms_store(struct kd_session *s, const struct kd_kallsyms_layout *l,
				   const struct kd_kallsyms_table *t)
{
	char dir[4096], file[4096 + 256], bid[BUILD_ID_MAX + 8];
	uint64_t kaslr;
	if (!t->n || !t->hash || !t->ht ||
	    !cache_paths(s, "kallsyms", dir, sizeof(dir), file, sizeof(file), bid, &kaslr))
		return;
	uint64_t n = t->n, text_len = t->start[n];
	struct file_header h;
	header_fill(&h, bid, kaslr, l, &t->info, t->n);
	h.text_len = text_len;
	h.hcap = t->hcap;
	h.payload_size = payload_size(n, h.hcap, text_len);
	h.payload_sum = payload_sum(t, n, text_len);
	if (!probe_sum(s, l, t->n, &h.probe_sum))
		return;
	h.header_sum = header_sum(&h, sizeof(h), KALLSYMS_SEED);
	const struct part parts[] = {
		{ &h, sizeof(h) }, { t->addr, n * 8 }, { t->start, (n + 1) * 4 }, { t->hash, n * 4 },
		{ t->ht, (size_t)t->hcap * 4 }, { t->text, text_len }, { slack, sizeof(slack) },
	};
	if (!write_file(dir, file, parts, sizeof(parts) / sizeof(parts[0])))
		return;
	trace("%s: written (%" PRIu32 " symbols)", file, t->n);
}

/* ---- the BTF indexes ----------------------------------------------------------- */

static const char btf_magic[8] = "KDIVEBTI";

struct btf_header {
	struct prefix p;         // n: the BTF's type count (ids)
	uint64_t btf_size;
	uint64_t btf_sum;        // of the BTF the index was built from
	uint64_t entry_size;     // 4: type ids (names); 8: id << 32 | index + 1 (enumerators)
	uint64_t ncap;
	uint64_t payload_sum;
	uint64_t header_sum;
};

_Static_assert(offsetof(struct btf_header, header_sum) == sizeof(struct btf_header) - 8 &&
		       sizeof(struct btf_header) <= 512 && sizeof(struct btf_header) % 8 == 0,
	       "header_sum ends the header");

uint64_t kd_index_cache_btf_sum(const void *btf, size_t btf_size)
{
	return sum64(0x627466ull, btf, btf_size);
}

/* An entry's type id must be one of the BTF's (the index inside is checked where used). */
static bool entry_ok(const void *tab, uint64_t i, uint64_t esize, uint32_t nids)
{
	if (esize == 4) {
		uint32_t v;
		memcpy(&v, (const char *)tab + i * 4, 4);
		return v < nids;
	}
	uint64_t v;
	memcpy(&v, (const char *)tab + i * 8, 8);
	return (v >> 32) < nids && (uint32_t)v <= 0x10000;
}

void kd_index_map_free(void *tab, struct kd_index_map *m)
{
	if (m->base)
		munmap(m->base, m->size);
	else
		free(tab);
	*m = (struct kd_index_map){ 0 };
}

static const char *load_btf_file(int fd, const char *bid, uint64_t kaslr, const struct kd_btf_index *x,
				 void **tab_ret, size_t *ncap_ret, struct kd_index_map *map_ret)
{
	struct btf_header h;
	uint64_t fsize;
	const char *why = prefix_check(fd, &h, sizeof(h), btf_magic, BTF_SEED, bid, kaslr, &fsize);
	if (why)
		return why;
	if (h.btf_size != x->btf_size || h.btf_sum != x->btf_sum || h.p.n != x->nids ||
	    h.entry_size != x->entry_size)
		return "the dump's BTF differs";
	if (h.ncap < 1024 || h.ncap > (1ull << 26) || (h.ncap & (h.ncap - 1)))
		return "implausible header";
	if (fsize != sizeof(h) + h.ncap * h.entry_size)
		return "sizes disagree (truncated?)";
	// Mapped, not read (as the kallsyms file): the table is used where it lies.
	char *map = mmap(NULL, (size_t)fsize, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return "cannot map the file";
	void *tab = map + sizeof(h);
	bool bad = sum64(0x6e616d65ull, tab, h.ncap * h.entry_size) != h.payload_sum;
	for (uint64_t i = 0; i < h.ncap && !bad; i++)
		bad = !entry_ok(tab, i, h.entry_size, x->nids);
	if (bad) {
		munmap(map, (size_t)fsize);
		return "payload checksum mismatch or a type id out of range";
	}
	*map_ret = (struct kd_index_map){ map, (size_t)fsize };
	*tab_ret = tab;
	*ncap_ret = (size_t)h.ncap;
	return NULL;
}

bool kd_index_cache_btf_load(struct kd_session *s, const struct kd_btf_index *x, void **tab_ret,
			     size_t *ncap_ret, struct kd_index_map *map_ret)
{
	char dir[4096], file[4096 + 256], bid[BUILD_ID_MAX + 8];
	uint64_t kaslr;
	if (!cache_paths(s, x->what, dir, sizeof(dir), file, sizeof(file), bid, &kaslr))
		return false;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		trace("%s: %s", file, strerror(errno));
		return false;
	}
	const char *why = load_btf_file(fd, bid, kaslr, x, tab_ret, ncap_ret, map_ret);
	close(fd);
	if (why) {
		trace("%s: %s: rebuilt", file, why);
		return false;
	}
	trace("%s: used (%zu entries)", file, *ncap_ret);
	return true;
}

void kd_index_cache_btf_store(struct kd_session *s, const struct kd_btf_index *x, const void *tab,
			      size_t ncap)
{
	char dir[4096], file[4096 + 256], bid[BUILD_ID_MAX + 8];
	uint64_t kaslr;
	if (!cache_paths(s, x->what, dir, sizeof(dir), file, sizeof(file), bid, &kaslr))
		return;
	struct btf_header h;
	memset(&h, 0, sizeof(h));
	prefix_fill(&h.p, btf_magic, sizeof(h), x->nids, bid, kaslr);
	h.btf_size = x->btf_size;
	h.btf_sum = x->btf_sum;
	h.entry_size = x->entry_size;
	h.ncap = ncap;
	h.payload_sum = sum64(0x6e616d65ull, tab, ncap * x->entry_size);
	h.header_sum = header_sum(&h, sizeof(h), BTF_SEED);
	const struct part parts[] = { { &h, sizeof(h) }, { tab, ncap * x->entry_size } };
	if (write_file(dir, file, parts, 2))
		trace("%s: written (%zu entries)", file, ncap);
}
