// SPDX-License-Identifier: GPL-3.0-or-later
// The kernel log read from the dump, one record at a time (<kdive/printk.h>):
// the lockless printk ring buffer (Linux 5.10+), the variable-length log_buf
// records (3.5 to 5.9) and the plain character buffer before that, found
// from VMCOREINFO alone: SYMBOL(prb) and the SIZE/OFFSET entries that
// log_buf_vmcoreinfo_setup() (kernel/printk/printk.c) exports (or, when they
// are missing, the same numbers from the dump's BTF).  The layout and the
// descriptor state machine are those of kernel/printk/printk_ringbuffer.{h,c}:
//   - a descriptor's state_var is an atomic_long: the top 2 bits are the
//     state (0 reserved, 1 committed, 2 finalized, 3 reusable), the rest the id;
//   - descriptor and info for id live at index id % (1 << count_bits);
//   - text blocks are {unsigned long id; char text[]} in a data ring of
//     1 << size_bits bytes addressed by logical positions (lpos); a block
//     that would wrap is stored from the start of the ring; lpos values with
//     bit 0 set are "data-less" (no text).
// The one field VMCOREINFO does not export is the syslog level: the
// bitfield `u8 flags:5, level:3` in the byte after `facility`, which follows
// the u16 text_len (struct printk_info in kernel/printk/printk_ringbuffer.h;
// struct printk_log in 3.5-5.9).  The first bitfield of a unit takes its
// least significant bits on little-endian machines and its most significant
// on big-endian ones (the psABIs), so level is the top 3 bits there and the
// low 3 bits here (level_of).
// `log` formats these records; `sys` and the panic finder search them.
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/printk.h>
#include <kdive/dump.h>
#include <kdive/session.h>
#include <kdive/types.h>

// The VMCOREINFO layout, looked up once per run.
struct layout {
	uint64_t prb_sym;
	uint64_t rb_size, off_desc_ring, off_text_ring;
	uint64_t off_count_bits, off_descs, off_infos, off_head_id, off_tail_id;
	uint64_t desc_size, off_state_var, off_text_blk_lpos, off_lpos_begin, off_lpos_next;
	uint64_t info_size, off_seq, off_ts_nsec, off_text_len, off_caller_id, off_dev_info;
	uint64_t devinfo_size, off_subsystem, len_subsystem, off_device, len_device;
	uint64_t off_size_bits, off_data, off_counter;
};

// Without the SIZE/OFFSET/LENGTH entries (VMCOREINFO derived from the CPU
// state, or given with --vmcoreinfo and trimmed), the same numbers come from
// the dump's BTF: SIZE(t) is the size of struct t (or typedef t), OFFSET(t.m)
// the offset of m in it, LENGTH(printk_info_X) the length of
// dev_printk_info.X (log_buf_vmcoreinfo_setup(), kernel/printk/printk.c).
static struct kd_error *from_btf(struct kd_session *s, const char *key, uint64_t *ret)
{
	char name[128];
	const char *open = strchr(key, '('), *close = strrchr(key, ')');
	// Only this fallback needs the types: load them here, not for every log.
	kd_error_destroy(kd_types_load(s));
	if (!kd_types_available(s) || !open || !close || close <= open ||
	    (size_t)(close - open) >= 90)
		return kd_error_create(KD_ERR_NOTFOUND, "no BTF");
	char inner[100];
	memcpy(inner, open + 1, (size_t)(close - open - 1));
	inner[close - open - 1] = '\0';
	bool length = strncmp(key, "LENGTH(", 7) == 0;
	char *path = NULL;
	if (length) {
		if (strncmp(inner, "printk_info_", 12) != 0)
			return kd_error_create(KD_ERR_NOTFOUND, "no BTF for %s", key);
		memmove(inner + 16, inner + 12, strlen(inner + 12) + 1);
		memcpy(inner, "dev_printk_info", 16);
		path = inner + 16;
	} else if (strncmp(key, "OFFSET(", 7) == 0) {
		char *dot = strchr(inner, '.');
		if (!dot)
			return kd_error_create(KD_ERR_NOTFOUND, "no BTF for %s", key);
		*dot = '\0';
		path = dot + 1;
	}
	struct kd_error *err = NULL;
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), i == 0 ? "struct %s" : "%s", inner);
		kd_error_destroy(err);
		if (!path) {
			err = kd_type_size(s, name, ret);
		} else {
			struct kd_member_info m;
			err = kd_type_member(s, name, path, &m);
			if (!err)
				*ret = length ? m.nelems : m.offset;
		}
		if (!err)
			return NULL;
	}
	return err;
}

static struct kd_error *need(struct kd_session *s, const char *key, uint64_t *ret)
{
	struct kd_error *err = kd_vmcoreinfo_number(s, key, ret);
	if (err && err->code == KD_ERR_NOTFOUND && strncmp(key, "SYMBOL(", 7) != 0) {
		struct kd_error *berr = from_btf(s, key, ret);
		if (!berr) {
			kd_error_destroy(err);
			return NULL;
		}
		kd_error_destroy(berr);
	}
	if (err)
		return kd_error_prefix(err, "the printk ring buffer is not described");
	return NULL;
}

static struct kd_error *get_layout(struct kd_session *s, struct layout *l)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define K(k, f) { k, offsetof(struct layout, f) }
		K("SYMBOL(prb)", prb_sym),
		K("SIZE(printk_ringbuffer)", rb_size),
		K("OFFSET(printk_ringbuffer.desc_ring)", off_desc_ring),
		K("OFFSET(printk_ringbuffer.text_data_ring)", off_text_ring),
		K("OFFSET(prb_desc_ring.count_bits)", off_count_bits),
		K("OFFSET(prb_desc_ring.descs)", off_descs),
		K("OFFSET(prb_desc_ring.infos)", off_infos),
		K("OFFSET(prb_desc_ring.head_id)", off_head_id),
		K("OFFSET(prb_desc_ring.tail_id)", off_tail_id),
		K("SIZE(prb_desc)", desc_size),
		K("OFFSET(prb_desc.state_var)", off_state_var),
		K("OFFSET(prb_desc.text_blk_lpos)", off_text_blk_lpos),
		K("OFFSET(prb_data_blk_lpos.begin)", off_lpos_begin),
		K("OFFSET(prb_data_blk_lpos.next)", off_lpos_next),
		K("SIZE(printk_info)", info_size),
		K("OFFSET(printk_info.seq)", off_seq),
		K("OFFSET(printk_info.ts_nsec)", off_ts_nsec),
		K("OFFSET(printk_info.text_len)", off_text_len),
		K("OFFSET(printk_info.caller_id)", off_caller_id),
		K("OFFSET(printk_info.dev_info)", off_dev_info),
		K("SIZE(dev_printk_info)", devinfo_size),
		K("OFFSET(dev_printk_info.subsystem)", off_subsystem),
		K("LENGTH(printk_info_subsystem)", len_subsystem),
		K("OFFSET(dev_printk_info.device)", off_device),
		K("LENGTH(printk_info_device)", len_device),
		K("OFFSET(prb_data_ring.size_bits)", off_size_bits),
		K("OFFSET(prb_data_ring.data)", off_data),
		K("OFFSET(atomic_long_t.counter)", off_counter),
#undef K
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct kd_error *err = need(s, keys[i].key, (uint64_t *)((char *)l + keys[i].off));
		if (err)
			return err;
	}
	// Sanity: everything we index with must lie inside the structures (and
	// the buffers we read them into).  Bounding every number first keeps
	// the sums below from overflowing.
	for (size_t i = 1; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (*(uint64_t *)((char *)l + keys[i].off) > 4096)
			return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO's %s is implausible",
					       keys[i].key);
	uint64_t dr = l->off_desc_ring, tr = l->off_text_ring, dc = l->off_counter;
	if (dr + l->off_count_bits + 4 > l->rb_size || dr + l->off_descs + 8 > l->rb_size ||
	    dr + l->off_infos + 8 > l->rb_size || dr + l->off_head_id + dc + 8 > l->rb_size ||
	    dr + l->off_tail_id + dc + 8 > l->rb_size || tr + l->off_size_bits + 4 > l->rb_size ||
	    tr + l->off_data + 8 > l->rb_size || l->off_state_var + dc + 8 > l->desc_size ||
	    l->off_text_blk_lpos + 16 > l->desc_size || l->off_lpos_begin + 8 > 16 ||
	    l->off_lpos_next + 8 > 16 || l->off_seq + 8 > l->info_size ||
	    l->off_caller_id + 4 > l->info_size || l->off_ts_nsec + 8 > l->info_size ||
	    l->off_text_len + 4 > l->info_size || l->off_dev_info + l->devinfo_size > l->info_size ||
	    l->off_subsystem + l->len_subsystem > l->devinfo_size ||
	    l->off_device + l->len_device > l->devinfo_size || l->desc_size == 0 || l->info_size == 0)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO's printk layout is inconsistent");
	return NULL;
}

// The syslog level from the byte holding `u8 flags:5, level:3` (top of file).
static unsigned level_of(const struct kd_session *s, unsigned char b)
{
	return kd_dump_big_endian(s) ? b & 7u : b >> 5;
}

// Fields of the ring, in the dump's byte order.
static uint64_t u64_at(const struct kd_session *s, const unsigned char *p) { return kd_dump_uint(s, p, 8); }
static uint32_t u32_at(const struct kd_session *s, const unsigned char *p) { return (uint32_t)kd_dump_uint(s, p, 4); }
static uint16_t u16_at(const struct kd_session *s, const unsigned char *p) { return (uint16_t)kd_dump_uint(s, p, 2); }

// 64-bit unsigned long: DESC_FLAGS_SHIFT = BITS_PER_LONG - 2.
enum { DESC_SV_BITS = 64, DESC_FLAGS_SHIFT = DESC_SV_BITS - 2 };
#define DESC_ID_MASK (~(3ull << DESC_FLAGS_SHIFT))
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

// The parts of one of the ring's arrays that could not be read (a page
// makedumpfile excluded, or one not in the dump): byte ranges of the array,
// each with the reader's message (which names the address and why).
struct holes {
	size_t n, cap;
	struct hole { uint64_t lo, hi; char *why; } *v;
};

struct ring {
	uint64_t count, head_id, tail_id;
	unsigned char *descs, *infos, *data;
	uint64_t data_size;
	struct holes hdesc, hinfo, hdata;
};

static void holes_free(struct holes *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].why);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static void ring_free(struct ring *r)
{
	free(r->descs);
	free(r->infos);
	free(r->data);
	holes_free(&r->hdesc);
	holes_free(&r->hinfo);
	holes_free(&r->hdata);
}

// The message of the hole that [lo, hi) of the array overlaps, or NULL.
static const char *in_hole(const struct holes *h, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < h->n; i++)
		if (lo < h->v[i].hi && h->v[i].lo < hi)
			return h->v[i].why;
	return NULL;
}

// A page of one of the ring's arrays that could not be read
// (kd_read_kernel_partial): recorded in the holes, a run of excluded pages
// as one.
static bool ring_hole(uint64_t off, uint64_t len, const struct kd_error *why, void *arg)
{
	struct holes *h = arg;
	struct hole *last = h->n ? &h->v[h->n - 1] : NULL;
	if (last && last->hi == off && why->code != KD_ERR_FAULT) {
		last->hi = off + len; // one message for a run of pages
		return true;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 8;
		struct hole *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return false;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (struct hole){ off, off + len, strdup(why->msg) };
	return true;
}

static struct kd_error *read_ring(struct kd_session *s, const struct layout *l, struct ring *r)
{
	memset(r, 0, sizeof(*r));
	uint64_t rb;
	struct kd_error *err = kd_read_kernel(s, l->prb_sym, &rb, 8);
	if (err)
		return kd_error_prefix(err, "reading prb");
	rb = kd_dump_uint(s, &rb, 8);
	unsigned char hdr[4096];
	err = kd_read_kernel(s, rb, hdr, l->rb_size);
	if (err)
		return kd_error_prefix(err, "reading the printk_ringbuffer at 0x%" PRIx64, rb);
	const unsigned char *dr = hdr + l->off_desc_ring, *tr = hdr + l->off_text_ring;
	uint32_t count_bits = u32_at(s, dr + l->off_count_bits);
	uint32_t size_bits = u32_at(s, tr + l->off_size_bits);
	// The kernel's limits: count_bits <= 25-ish, size_bits <= 31 (log_buf_len
	// up to 2 GiB); anything else is a corrupted ring buffer.
	if (count_bits > 26 || size_bits > 31 || size_bits < 3)
		return kd_error_create(KD_ERR_CORRUPT,
				       "printk ring buffer at 0x%" PRIx64 " has impossible sizes (count_bits %u, size_bits %u)",
				       rb, count_bits, size_bits);
	r->count = 1ull << count_bits;
	r->data_size = 1ull << size_bits;
	r->head_id = u64_at(s, dr + l->off_head_id + l->off_counter) & DESC_ID_MASK;
	r->tail_id = u64_at(s, dr + l->off_tail_id + l->off_counter) & DESC_ID_MASK;
	uint64_t descs = u64_at(s, dr + l->off_descs), infos = u64_at(s, dr + l->off_infos);
	uint64_t data = u64_at(s, tr + l->off_data);
	// Corrupted sizes must not make us allocate gigabytes: the rings cannot
	// be larger than the dump's memory, and each must end in the dump.
	uint64_t total = r->count * (l->desc_size + l->info_size) + r->data_size;
	unsigned char probe;
	if (total > kd_phys_total(s))
		return kd_error_create(KD_ERR_CORRUPT,
				       "printk ring buffer at 0x%" PRIx64 " claims %" PRIu64 " bytes, more than the dump's memory (count_bits %u, size_bits %u)",
				       rb, total, count_bits, size_bits);
	// Each array must start and end at mapped addresses (a page that was
	// merely excluded from the dump is fine: it costs its records below).
	const uint64_t ends[] = { descs, descs + r->count * l->desc_size - 1, infos,
				  infos + r->count * l->info_size - 1, data, data + r->data_size - 1 };
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		if ((err = kd_read_kernel(s, ends[i], &probe, 1)) && err->code != KD_ERR_NODATA)
			return kd_error_prefix(err, "reading the printk ring buffer");
		kd_error_destroy(err);
	}
	r->descs = malloc(r->count * l->desc_size);
	r->infos = malloc(r->count * l->info_size);
	r->data = malloc(r->data_size);
	if (!r->descs || !r->infos || !r->data) {
		ring_free(r);
		return &kd_enomem;
	}
	if ((err = kd_read_kernel_partial(s, descs, r->descs, r->count * l->desc_size, ring_hole, &r->hdesc)) ||
	    (err = kd_read_kernel_partial(s, infos, r->infos, r->count * l->info_size, ring_hole, &r->hinfo)) ||
	    (err = kd_read_kernel_partial(s, data, r->data, r->data_size, ring_hole, &r->hdata))) {
		ring_free(r);
		return kd_error_prefix(err, "reading the printk ring buffer");
	}
	return NULL;
}

// The text of the block [begin, next) per get_data() in printk_ringbuffer.c.
static bool block_text(const struct ring *r, uint64_t begin, uint64_t next, uint64_t text_len,
		       const unsigned char **text, size_t *len, uint64_t *blk_lo, uint64_t *blk_hi)
{
	*len = 0;
	*blk_lo = *blk_hi = 0;
	if ((begin & 1) && (next & 1))
		return true; // data-less record: empty text
	uint64_t size = r->data_size;
	uint64_t bi = begin & (size - 1), ni = next & (size - 1);
	uint64_t start, end;
	if ((begin / size) == (next / size) && bi < ni) {
		start = bi;
		end = ni;
	} else if ((begin + size) / size == next / size) {
		start = 0; // wrapped: the block starts at the beginning of the ring
		end = ni;
	} else {
		return false;
	}
	if (end - start < 8 || end > size)
		return false;
	*blk_lo = start;
	*blk_hi = end;
	start += 8; // skip the block's id word
	uint64_t avail = end - start;
	*text = r->data + start;
	*len = (size_t)(text_len < avail ? text_len : avail);
	// A truncated record (text_len beyond its block): the block ends in the
	// zero padding that aligns blocks to a word; do not print it.
	if (text_len > avail)
		while (*len && (*text)[*len - 1] == '\0')
			(*len)--;
	return true;
}


static struct kd_error *log_lockless(struct kd_session *s, kd_log_fn *fn, void *arg)
{
	struct layout l;
	struct kd_error *err;
	if ((err = get_layout(s, &l)))
		return err;
	struct ring r;
	if ((err = read_ring(s, &l, &r)))
		return err;
	uint64_t n = 0;
	// Walk tail to head; at most count descriptors, so a corrupted id can't loop.
	for (uint64_t id = r.tail_id;; id = (id + 1) & DESC_ID_MASK) {
		if (n++ > r.count)
			break;
		uint64_t idx = id & (r.count - 1);
		const unsigned char *d = r.descs + idx * l.desc_size;
		const unsigned char *info = r.infos + idx * l.info_size;
		uint64_t sv = u64_at(s, d + l.off_state_var + l.off_counter);
		unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT);
		bool last = id == r.head_id;
		const char *why = in_hole(&r.hdesc, idx * l.desc_size, (idx + 1) * l.desc_size);
		if (!why && (sv & DESC_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED))
			why = in_hole(&r.hinfo, idx * l.info_size, (idx + 1) * l.info_size);
		if (why) {
			// The descriptor or its info is lost: only the id is known.
			struct kd_log_record rec = { .id = id, .lost = why };
			if (fn(s, &rec, arg))
				break;
		} else if ((sv & DESC_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED)) {
			const unsigned char *lpos = d + l.off_text_blk_lpos;
			uint16_t text_len = u16_at(s, info + l.off_text_len);
			const unsigned char *dev = info + l.off_dev_info;
			struct kd_log_record rec = {
				.seq = u64_at(s, info + l.off_seq),
				.ts_nsec = u64_at(s, info + l.off_ts_nsec),
				.level = level_of(s, info[l.off_text_len + 3]),
				.facility = info[l.off_text_len + 2],
				.has_caller = true,
				.caller = u32_at(s, info + l.off_caller_id),
				.subsys = (const char *)dev + l.off_subsystem,
				.device = (const char *)dev + l.off_device,
			};
			rec.sublen = strnlen(rec.subsys, l.len_subsystem);
			rec.devlen = strnlen(rec.device, l.len_device);
			uint64_t blo, bhi;
			if (!block_text(&r, u64_at(s, lpos + l.off_lpos_begin), u64_at(s, lpos + l.off_lpos_next),
					text_len, &rec.text, &rec.len, &blo, &bhi))
				rec.len = 0; // inconsistent block: print the record without text
			rec.has_ts = rec.has_level = rec.has_seq = true;
			rec.id = id;
			if (bhi > blo && (why = in_hole(&r.hdata, blo, bhi))) {
				// Its text lay on a lost page: the record is lost.
				rec.lost = why;
				rec.text = NULL;
				rec.len = 0;
			}
			if (fn(s, &rec, arg))
				break;
		}
		if (last)
			break;
		if ((err = kd_check_interrupt(s)))
			break;
	}
	ring_free(&r);
	return err;
}

// Read a kernel variable of 4 or 8 bytes named by VMCOREINFO SYMBOL(name).
static struct kd_error *read_var(struct kd_session *s, const char *name, size_t size, uint64_t *ret)
{
	char key[96];
	uint64_t addr, v = 0;
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	struct kd_error *err = kd_vmcoreinfo_number(s, key, &addr);
	if (!err)
		err = kd_read_kernel(s, addr, &v, size);
	if (err)
		return kd_error_prefix(err, "reading %s", name);
	*ret = kd_dump_uint(s, &v, (unsigned)size);
	return NULL;
}

// Linux 3.5 to 5.9: log_buf holds variable-length records, struct
// printk_log (named "log" before 3.11) followed by the text and the
// dictionary ("KEY=value\0..."), each padded to the record's alignment; a
// header with len 0 means "continue at the start of the buffer"
// (kernel/printk/printk.c of those versions, log_from_idx/log_next).
static struct kd_error *log_varlen(struct kd_session *s, kd_log_fn *fn, void *arg)
{
	uint64_t buf_addr, buf_len, first, next, hsize, o_ts, o_len, o_text, o_dict, o_caller = 0;
	struct kd_error *err;
	const char *sz = kd_vmcoreinfo_get(s, "SIZE(printk_log)") ? "printk_log" : "log";
	char key[64];
#define NEED(k, var) do { snprintf(key, sizeof(key), k, sz); \
	if ((err = kd_vmcoreinfo_number(s, key, &(var)))) \
		return kd_error_prefix(err, "the kernel log buffer is not described"); } while (0)
	NEED("SIZE(%s)", hsize);
	NEED("OFFSET(%s.ts_nsec)", o_ts);
	NEED("OFFSET(%s.len)", o_len);
	NEED("OFFSET(%s.text_len)", o_text);
	NEED("OFFSET(%s.dict_len)", o_dict);
#undef NEED
	snprintf(key, sizeof(key), "OFFSET(%s.caller_id)", sz);
	struct kd_error *cerr = kd_vmcoreinfo_number(s, key, &o_caller); // CONFIG_PRINTK_CALLER, 5.1+
	bool has_caller = cerr == NULL;
	kd_error_destroy(cerr);
	if ((err = read_var(s, "log_buf", 8, &buf_addr)) || (err = read_var(s, "log_buf_len", 4, &buf_len)) ||
	    (err = read_var(s, "log_first_idx", 4, &first)) || (err = read_var(s, "log_next_idx", 4, &next)))
		return err;
	if (hsize < 16 || hsize > 64 || o_ts + 8 > hsize || o_len + 2 > hsize || o_text + 2 > hsize ||
	    o_dict + 4 > hsize || (has_caller && o_caller + 4 > hsize) || buf_len == 0 ||
	    buf_len > (1u << 31) || first >= buf_len || next > buf_len)
		return kd_error_create(KD_ERR_CORRUPT, "the kernel log buffer's description is inconsistent");
	unsigned char *buf = malloc(buf_len);
	if (!buf)
		return &kd_enomem;
	if ((err = kd_read_kernel(s, buf_addr, buf, buf_len))) {
		free(buf);
		return kd_error_prefix(err, "reading log_buf");
	}
	uint64_t idx = first, seq = 0;
	for (uint64_t n = 0; idx != next && n < buf_len / 8 + 2; n++) {
		if (idx + hsize > buf_len) {
			err = kd_error_create(KD_ERR_CORRUPT, "log_buf record at index %" PRIu64 " runs past the buffer", idx);
			break;
		}
		const unsigned char *h = buf + idx;
		uint16_t len = u16_at(s, h + o_len);
		if (len == 0) { // wrap marker
			idx = 0;
			continue;
		}
		uint16_t tlen = u16_at(s, h + o_text), dlen = u16_at(s, h + o_dict);
		if (len < hsize || idx + len > buf_len || hsize + (uint64_t)tlen + dlen > len) {
			err = kd_error_create(KD_ERR_CORRUPT, "log_buf record at index %" PRIu64 " has a bad length", idx);
			break;
		}
		struct kd_log_record rec = {
			.seq = seq++,
			.ts_nsec = u64_at(s, h + o_ts),
			.level = level_of(s, h[o_dict + 3]),
			.facility = h[o_dict + 2],
			.has_caller = has_caller,
			.caller = has_caller ? u32_at(s, h + o_caller) : 0,
			.text = h + hsize,
			.len = tlen,
		};
		// The dictionary: "SUBSYSTEM=x\0DEVICE=y"
		const char *dict = (const char *)h + hsize + tlen;
		for (size_t i = 0; i < dlen;) {
			size_t l = strnlen(dict + i, dlen - i);
			if (l > 10 && !strncmp(dict + i, "SUBSYSTEM=", 10)) {
				rec.subsys = dict + i + 10;
				rec.sublen = l - 10;
			} else if (l > 7 && !strncmp(dict + i, "DEVICE=", 7)) {
				rec.device = dict + i + 7;
				rec.devlen = l - 7;
			}
			i += l + 1;
		}
		rec.has_ts = rec.has_level = rec.has_seq = true;
		if (fn(s, &rec, arg))
			break;
		idx += len;
		if ((err = kd_check_interrupt(s)))
			break;
	}
	free(buf);
	return err;
}

// Before 3.5: a plain ring of characters; log_end counts every character
// ever written, the last log_buf_len of them are in the buffer.
static struct kd_error *log_plain(struct kd_session *s, kd_log_fn *fn, void *arg)
{
	uint64_t buf_addr, buf_len, end;
	struct kd_error *err;
	if ((err = read_var(s, "log_buf", 8, &buf_addr)) || (err = read_var(s, "log_buf_len", 4, &buf_len)) ||
	    (err = read_var(s, "log_end", 4, &end)))
		return err;
	if (buf_len == 0 || buf_len > (1u << 31) || (buf_len & (buf_len - 1)))
		return kd_error_create(KD_ERR_CORRUPT, "log_buf_len %" PRIu64 " is not a power of two", buf_len);
	unsigned char *buf = malloc(buf_len), *text = malloc(buf_len);
	if (!buf || !text) {
		free(buf);
		free(text);
		return &kd_enomem;
	}
	if ((err = kd_read_kernel(s, buf_addr, buf, buf_len)))
		goto out;
	uint64_t n = end < buf_len ? end : buf_len;
	for (uint64_t i = 0; i < n; i++)
		text[i] = buf[(end - n + i) & (buf_len - 1)];
	// One record per line; no timestamps or levels in this format beyond
	// what the text itself holds.
	uint64_t start = 0, seq = 0;
	for (uint64_t i = 0; i <= n; i++) {
		if (i == n || text[i] == '\n') {
			if (i > start || i < n) {
				struct kd_log_record rec = { .seq = seq++, .has_seq = true, .text = text + start,
							     .len = (size_t)(i - start) };
				if (fn(s, &rec, arg))
					break;
			}
			start = i + 1;
		}
	}
out:
	free(buf);
	free(text);
	return err;
}

struct kd_error *kd_log_foreach(struct kd_session *s, kd_log_fn *fn, void *arg)
{
	// Which buffer this kernel has, by what VMCOREINFO describes.
	if (kd_vmcoreinfo_get(s, "SYMBOL(prb)"))
		return log_lockless(s, fn, arg);
	if (kd_vmcoreinfo_get(s, "SYMBOL(log_first_idx)"))
		return log_varlen(s, fn, arg);
	if (kd_vmcoreinfo_get(s, "SYMBOL(log_end)"))
		return log_plain(s, fn, arg);
	return kd_error_create(KD_ERR_NOTFOUND,
			       "VMCOREINFO describes no kernel log buffer (no SYMBOL(prb), log_first_idx or log_end)");
}
