// SPDX-License-Identifier: GPL-3.0-or-later
// Decoding of the kernel's own symbol table, the kallsyms tables that
// scripts/kallsyms.c writes into the kernel image, found through VMCOREINFO.
//
// The format (kernel/kallsyms.c, scripts/kallsyms.c):
//  - kallsyms_names: per symbol a length then that many token indices; the
//    length is one byte, or (Linux 6.1+, "big symbols") two when the first
//    has bit 7 set: (b0 & 0x7f) | b1 << 7.  The expanded name's first
//    character is the nm type letter.
//  - kallsyms_token_table: NUL-terminated strings; kallsyms_token_index[256]:
//    u16 offsets of each token in it.
//  - addresses: kallsyms_addresses[] (absolute), or kallsyms_offsets[] (s32)
//    with kallsyms_relative_base, either base + (u32)off or, with
//    CONFIG_KALLSYMS_ABSOLUTE_PERCPU, off >= 0 ? off : base - 1 - off.
// The decoder reads each table once, expands the 256 tokens once into
// fixed 32-byte slots (a token is copied as 32 bytes, without a length loop),
// and decodes all names in one pass into one arena of NUL-terminated names
// (kd_kallsyms_table), which the symbol table adopts as it is; the address
// encoding is then chosen by where it puts _stext (SYMBOL(_stext) in
// VMCOREINFO).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kallsyms.h"

// MAX_NAME: the type letter and a name of KSYM_NAME_LEN (512 since 6.1),
// with room to spare; longer expansions come from corrupted tokens.
enum { MAX_SYMS = 10 * 1000 * 1000, CHUNK = 64 * 1024, MAX_NAME = 1024 };

/* A growing window on kallsyms_names, read in chunks as the walk needs it. */
struct names_buf {
	kd_kallsyms_read_fn *read;
	void *arg;
	uint64_t va;
	unsigned char *data;
	size_t len, cap;
};

static struct kd_error *names_need(struct names_buf *b, size_t upto)
{
	while (b->len < upto) {
		if (b->len + CHUNK > b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 4 * CHUNK;
			unsigned char *d = realloc(b->data, cap);
			if (!d)
				return &kd_enomem;
			b->data = d;
			b->cap = cap;
		}
		// Read up to the next chunk boundary; at the end of mapped memory a
		// smaller read may still give the bytes that are needed.
		size_t want = CHUNK - (size_t)((b->va + b->len) % CHUNK);
		struct kd_error *err = b->read(b->arg, b->va + b->len, b->data + b->len, want);
		if (err && upto - b->len < want) {
			kd_error_destroy(err);
			want = upto - b->len;
			err = b->read(b->arg, b->va + b->len, b->data + b->len, want);
		}
		if (err)
			return kd_error_prefix(err, "reading kallsyms_names");
		b->len += want;
	}
	return NULL;
}

struct token {
	const char *s;
	size_t len;
};

/*
 * The tokens as the decoder copies them: a token of up to SLOT bytes from
 * its slot (SLOT bytes copied, len kept), a longer one from the table.
 */
enum { SLOT = 32 };
struct tokens {
	char slot[256][SLOT];
	uint32_t len[256];
	const char *s[256];
	size_t maxlen;
};

static void tokens_expand(const struct token tok[256], struct tokens *x)
{
	x->maxlen = 0;
	for (int i = 0; i < 256; i++) {
		memset(x->slot[i], 0, SLOT);
		memcpy(x->slot[i], tok[i].s, tok[i].len < SLOT ? tok[i].len : SLOT);
		x->len[i] = (uint32_t)tok[i].len;
		x->s[i] = tok[i].s;
		if (tok[i].len > x->maxlen)
			x->maxlen = tok[i].len;
	}
}

static struct kd_error *read_tokens(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read,
				    void *arg, char **table_ret, struct token tok[256])
{
	uint16_t idx[256];
	struct kd_error *err = read(arg, l->token_index, idx, sizeof(idx));
	if (err)
		return kd_error_prefix(err, "reading kallsyms_token_index");
	size_t max = 0;
	for (int i = 0; i < 256; i++)
		if (idx[i] > max)
			max = idx[i];
	// The table usually sits right before the index; otherwise read past
	// the last token start by a bound no token reaches.
	size_t size = max + 256;
	if (l->token_index > l->token_table && l->token_index - l->token_table > max &&
	    l->token_index - l->token_table <= max + 256)
		size = (size_t)(l->token_index - l->token_table);
	char *t = malloc(size + 1);
	if (!t)
		return &kd_enomem;
	err = read(arg, l->token_table, t, size);
	if (err) {
		free(t);
		return kd_error_prefix(err, "reading kallsyms_token_table");
	}
	t[size] = '\0';
	for (int i = 0; i < 256; i++) {
		const char *e = memchr(t + idx[i], '\0', size - idx[i]);
		if (!e) {
			free(t);
			return kd_error_create(KD_ERR_CORRUPT,
					       "kallsyms token %d at offset %u is not terminated", i, idx[i]);
		}
		tok[i].s = t + idx[i];
		tok[i].len = (size_t)(e - tok[i].s);
	}
	*table_ret = t;
	return NULL;
}

/* The decoded names: one arena, per symbol its start (type letter first, NUL after). */
struct decoded {
	char *text;
	size_t len, cap;
	uint32_t *start;      // n + 1 entries
	uint32_t *names_off;  // offset of each entry in kallsyms_names (for markers)
	size_t names_end;
	bool long_seen;       // some length byte had bit 7 set
	bool names_big;       // decoded with two-byte lengths
};

static void decoded_free(struct decoded *d)
{
	free(d->text);
	free(d->start);
	free(d->names_off);
	memset(d, 0, sizeof(*d));
}

/*
 * Room for one more name: MAX_NAME characters, the longest token past that
 * (the length is checked after each token), the NUL and a slot's overrun.
 */
static struct kd_error *text_room(struct decoded *d, size_t maxtok)
{
	size_t need = d->len + MAX_NAME + maxtok + 2 + SLOT;
	if (need <= d->cap)
		return NULL;
	size_t cap = d->cap * 2;
	while (cap < need)
		cap *= 2;
	char *nt = realloc(d->text, cap);
	if (!nt)
		return &kd_enomem;
	d->text = nt;
	d->cap = cap;
	return NULL;
}

static struct kd_error *decode_names(struct names_buf *nb, uint32_t n, const struct tokens *tk,
				     bool big, struct decoded *d)
{
	memset(d, 0, sizeof(*d));
	d->names_big = big;
	// Every entry takes at least its length byte: n bytes of names must be
	// there before n decides how much to allocate.
	struct kd_error *err = names_need(nb, n);
	if (err)
		return err;
	d->start = malloc(((size_t)n + 1) * sizeof(*d->start));
	d->names_off = malloc(((size_t)n + 1) * sizeof(*d->names_off));
	d->cap = (size_t)n * 32 + MAX_NAME + tk->maxlen + 64;
	d->text = malloc(d->cap);
	if (!d->start || !d->names_off || !d->text) {
		decoded_free(d);
		return &kd_enomem;
	}
	// Names of up to fast_max tokens cannot pass MAX_NAME.
	size_t fast_max = tk->maxlen <= SLOT ? MAX_NAME / (tk->maxlen ? tk->maxlen : 1) : 0;
	size_t off = 0;
	for (uint32_t i = 0; i < n; i++) {
		d->names_off[i] = (uint32_t)off;
		if (off + 2 > nb->len && (err = names_need(nb, off + 2)) != NULL)
			goto fail;
		size_t len = nb->data[off++];
		if (len & 0x80) {
			d->long_seen = true;
			if (big)
				len = (len & 0x7f) | ((size_t)nb->data[off++] << 7);
		}
		if (off + len > nb->len && (err = names_need(nb, off + len)) != NULL)
			goto fail;
		if (d->cap - d->len < MAX_NAME + tk->maxlen + 2 + SLOT && (err = text_room(d, tk->maxlen)))
			goto fail;
		d->start[i] = (uint32_t)d->len;
		char *const name = d->text + d->len;
		char *w = name;
		const unsigned char *p = nb->data + off;
		if (len <= fast_max) {
			// The usual case: every token in its slot, and the name cannot
			// pass MAX_NAME.
			for (size_t k = 0; k < len; k++) {
				uint32_t tl = tk->len[p[k]];
				if (tl <= 8) // most tokens: one 8-byte move
					memcpy(w, tk->slot[p[k]], 8);
				else
					memcpy(w, tk->slot[p[k]], SLOT);
				w += tl;
			}
		} else {
			for (size_t k = 0; k < len; k++) {
				unsigned c = p[k];
				uint32_t tl = tk->len[c];
				if (tl <= SLOT)
					memcpy(w, tk->slot[c], SLOT);
				else
					memcpy(w, tk->s[c], tl);
				w += tl;
				if (w - name > MAX_NAME) {
					err = kd_error_create(KD_ERR_CORRUPT,
							      "kallsyms name %u is longer than %d characters",
							      i, MAX_NAME);
					goto fail;
				}
			}
		}
		*w++ = '\0';
		d->len = (size_t)(w - d->text);
		off += len;
		if (d->len > UINT32_MAX - 4096) {
			err = kd_error_create(KD_ERR_CORRUPT, "kallsyms names are implausibly long");
			goto fail;
		}
	}
	d->start[n] = (uint32_t)d->len;
	d->names_off[n] = (uint32_t)off;
	d->names_end = off;
	return NULL;
fail:
	decoded_free(d);
	return err;
}

/*
 * kallsyms_markers follows the names (8-byte aligned): marker k is the
 * offset of symbol 256k.  True when the walk agrees with them (u32 markers
 * since 6.2-ish backports, unsigned long before).
 */
static bool markers_agree(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read, void *arg,
			  const struct decoded *d, uint32_t n)
{
	if (n <= 256)
		return true;
	uint64_t at = l->names + ((d->names_end + 7) & ~(uint64_t)7);
	uint64_t m[2];
	struct kd_error *err = read(arg, at, m, sizeof(m));
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	uint32_t m32[4];
	memcpy(m32, m, sizeof(m32));
	uint32_t want = d->names_off[256];
	return (m32[0] == 0 && m32[1] == want) || (m[0] == 0 && m[1] == want);
}

static uint64_t addr_of(enum kd_kallsyms_encoding enc, const void *vals, uint64_t base, uint32_t i)
{
	if (enc == KD_KALLSYMS_ABSOLUTE)
		return ((const uint64_t *)vals)[i];
	int32_t off = ((const int32_t *)vals)[i];
	if (enc == KD_KALLSYMS_RELATIVE)
		return base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)(int64_t)off;
}

static const char *enc_name(enum kd_kallsyms_encoding e)
{
	switch (e) {
	case KD_KALLSYMS_ABSOLUTE: return "absolute";
	case KD_KALLSYMS_RELATIVE: return "base-relative";
	default: return "base-relative with absolute per-cpu";
	}
}

static int64_t find_name(const struct decoded *d, uint32_t n, const char *name)
{
	size_t len = strlen(name);
	for (uint32_t i = 0; i < n; i++)
		if (d->start[i + 1] - d->start[i] == len + 2 && memcmp(d->text + d->start[i] + 1, name, len) == 0)
			return i;
	return -1;
}

static struct kd_error *choose_encoding(const struct kd_kallsyms_layout *l, const struct decoded *d,
					uint32_t n, const void *vals, uint64_t base,
					struct kd_kallsyms_info *info)
{
	enum kd_kallsyms_encoding cand[2];
	int ncand = 0;
	if (l->addresses) {
		cand[ncand++] = KD_KALLSYMS_ABSOLUTE;
	} else {
		// Under plain base-relative an offset with bit 31 set would put a
		// symbol 2 GiB past the base: a negative one means absolute per-cpu.
		bool negative = false;
		for (uint32_t i = 0; i < n && !negative; i++)
			negative = ((const int32_t *)vals)[i] < 0;
		cand[ncand++] = negative ? KD_KALLSYMS_ABSOLUTE_PERCPU : KD_KALLSYMS_RELATIVE;
		cand[ncand++] = negative ? KD_KALLSYMS_RELATIVE : KD_KALLSYMS_ABSOLUTE_PERCPU;
	}
	int64_t si = find_name(d, n, "_stext");
	if (!l->stext || si < 0) {
		info->encoding = cand[0];
		return NULL;
	}
	for (int c = 0; c < ncand; c++)
		if (addr_of(cand[c], vals, base, (uint32_t)si) == l->stext) {
			info->encoding = cand[c];
			info->stext_checked = true;
			return NULL;
		}
	return kd_error_create(KD_ERR_CORRUPT,
			       "kallsyms: no address encoding puts _stext at 0x%" PRIx64
			       " (VMCOREINFO); %s gives 0x%" PRIx64,
			       l->stext, enc_name(cand[0]), addr_of(cand[0], vals, base, (uint32_t)si));
}

struct kd_error *kd_kallsyms_decode_table(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read,
					  void *read_arg, struct kd_kallsyms_table *ret)
{
	struct kd_kallsyms_info info = { 0 };
	memset(ret, 0, sizeof(*ret));
	if (!l->names || !l->token_table || !l->token_index || !l->num_syms)
		return kd_error_create(KD_ERR_NOTFOUND,
				       "VMCOREINFO does not locate the kallsyms tables (Linux 6.0+ exports them)");
	if (!l->addresses && !(l->offsets && l->relative_base))
		return kd_error_create(KD_ERR_NOTFOUND,
				       "VMCOREINFO has neither kallsyms_addresses nor kallsyms_offsets");
	uint32_t n;
	struct kd_error *err = read(read_arg, l->num_syms, &n, sizeof(n));
	if (err)
		return kd_error_prefix(err, "reading kallsyms_num_syms");
	if (n == 0 || n > MAX_SYMS)
		return kd_error_create(KD_ERR_CORRUPT, "kallsyms_num_syms is %u", n);
	info.num_syms = n;

	char *table = NULL;
	struct token tok[256];
	struct tokens *tk = NULL;
	void *vals = NULL;
	uint64_t *addr = NULL;
	struct names_buf nb = { .read = read, .arg = read_arg, .va = l->names };
	struct decoded d = { 0 };
	if ((err = read_tokens(l, read, read_arg, &table, tok)) != NULL)
		goto out;
	if (!(tk = malloc(sizeof(*tk)))) {
		err = &kd_enomem;
		goto out;
	}
	tokens_expand(tok, tk);
	// A length byte with bit 7 set is a two-byte length on 6.1+; on an older
	// kernel it cannot occur (names are shorter than 128 tokens), but let the
	// markers decide rather than the version string: when the two-byte
	// reading fails or disagrees with them, try one-byte lengths.
	err = decode_names(&nb, n, tk, true, &d);
	if (err || (d.long_seen && !markers_agree(l, read, read_arg, &d, n))) {
		struct decoded d1;
		struct kd_error *err1 = decode_names(&nb, n, tk, false, &d1);
		if (err1) {
			kd_error_destroy(err1);
		} else if (markers_agree(l, read, read_arg, &d1, n)) {
			decoded_free(&d);
			kd_error_destroy(err);
			err = NULL;
			d = d1;
		} else {
			decoded_free(&d1);
		}
	}
	if (err)
		goto out;
	info.big_lengths = d.long_seen && d.names_big;

	uint64_t base = 0;
	size_t vsize = l->addresses ? 8 : 4;
	vals = malloc((size_t)n * vsize);
	addr = malloc((size_t)n * sizeof(*addr));
	if (!vals || !addr) {
		err = &kd_enomem;
		goto out;
	}
	if (l->addresses) {
		if ((err = read(read_arg, l->addresses, vals, (size_t)n * 8)) != NULL) {
			err = kd_error_prefix(err, "reading kallsyms_addresses");
			goto out;
		}
	} else {
		if ((err = read(read_arg, l->offsets, vals, (size_t)n * 4)) != NULL) {
			err = kd_error_prefix(err, "reading kallsyms_offsets");
			goto out;
		}
		if ((err = read(read_arg, l->relative_base, &base, sizeof(base))) != NULL) {
			err = kd_error_prefix(err, "reading kallsyms_relative_base");
			goto out;
		}
	}
	if ((err = choose_encoding(l, &d, n, vals, base, &info)) != NULL)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		addr[i] = addr_of(info.encoding, vals, base, i);
	info.relative_base = base;
	*ret = (struct kd_kallsyms_table){ .n = n, .text = d.text, .start = d.start, .addr = addr,
					   .info = info };
	d.text = NULL;
	d.start = NULL;
	addr = NULL;
out:
	decoded_free(&d);
	free(nb.data);
	free(table);
	free(tk);
	free(vals);
	free(addr);
	return err;
}

struct kd_error *kd_kallsyms_read_addr(const struct kd_kallsyms_layout *l,
				       const struct kd_kallsyms_info *info, kd_kallsyms_read_fn *read,
				       void *read_arg, uint32_t i, uint64_t *ret)
{
	if (info->encoding == KD_KALLSYMS_ABSOLUTE) {
		if (!l->addresses)
			return kd_error_create(KD_ERR_NOTFOUND, "no kallsyms_addresses");
		return read(read_arg, l->addresses + (uint64_t)i * 8, ret, 8);
	}
	if (!l->offsets)
		return kd_error_create(KD_ERR_NOTFOUND, "no kallsyms_offsets");
	int32_t off;
	struct kd_error *err = read(read_arg, l->offsets + (uint64_t)i * 4, &off, 4);
	if (!err)
		*ret = info->encoding == KD_KALLSYMS_RELATIVE ? info->relative_base + (uint32_t)off
		       : off >= 0 ? (uint64_t)off : info->relative_base - 1 - (uint64_t)(int64_t)off;
	return err;
}

void kd_kallsyms_table_free(struct kd_kallsyms_table *t)
{
	if (t->map) {
		munmap(t->map, t->map_size);
	} else {
		free(t->text);
		free(t->start);
		free(t->addr);
		free(t->hash);
		free(t->ht);
	}
	memset(t, 0, sizeof(*t));
}

struct kd_error *kd_kallsyms_decode(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read,
				    void *read_arg, kd_kallsyms_sym_fn *emit, void *emit_arg,
				    struct kd_kallsyms_info *info_ret)
{
	struct kd_kallsyms_table t;
	struct kd_error *err = kd_kallsyms_decode_table(l, read, read_arg, &t);
	if (err)
		return err;
	for (uint32_t i = 0; i < t.n && !err; i++) {
		size_t len = t.start[i + 1] - t.start[i] - 1; // type letter and name, without the NUL
		if (len < 2) // no name: the kernel skips these too
			continue;
		const char *p = t.text + t.start[i];
		err = emit(emit_arg, p + 1, len - 1, p[0], t.addr[i]);
	}
	if (!err && info_ret)
		*info_ret = t.info;
	kd_kallsyms_table_free(&t);
	return err;
}
