// SPDX-License-Identifier: GPL-3.0-or-later
// log: the kernel log from the lockless printk ring buffer (Linux 5.10+),
// found from VMCOREINFO alone: SYMBOL(prb) and the SIZE/OFFSET entries that
// log_buf_vmcoreinfo_setup() (kernel/printk/printk.c) exports (or, when they
// are missing, the same numbers from the dump's BTF).  The layout
// and the descriptor state machine are those of
// kernel/printk/printk_ringbuffer.{h,c}:
//   - a descriptor's state_var is an atomic_long: the top 2 bits are the
//     state (0 reserved, 1 committed, 2 finalized, 3 reusable), the rest the id;
//   - descriptor and info for id live at index id % (1 << count_bits);
//   - text blocks are {unsigned long id; char text[]} in a data ring of
//     1 << size_bits bytes addressed by logical positions (lpos); a block
//     that would wrap is stored from the start of the ring; lpos values with
//     bit 0 set are "data-less" (no text).
// The one field VMCOREINFO does not export is the syslog level: it is the
// top 3 bits of the byte after `facility`, which follows the u16 text_len
// (struct printk_info in kernel/printk/printk_ringbuffer.h).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/types.h>

enum { O_T, O_TT, O_M, O_C, O_D, O_NOPT };
static const struct kd_option log_opts[] = {
	[O_T] = { "t", KD_ARG_NONE, NULL, "no timestamps" },
	[O_TT] = { "T", KD_ARG_NONE, NULL, "wall-clock timestamps (needs the crash time in the dump)" },
	[O_M] = { "m", KD_ARG_NONE, NULL, "show each message's level as <N>" },
	[O_C] = { "c", KD_ARG_NONE, NULL, "show the caller: [Tpid] thread or [Ccpu] CPU" },
	[O_D] = { "d", KD_ARG_NONE, NULL, "show device info (SUBSYSTEM=, DEVICE=) below a message" },
	[O_NOPT] = { NULL },
};

static const struct kd_command commands[2];

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
	if (!kd_vmcoreinfo_get(s, "SYMBOL(prb)")) {
		if (kd_vmcoreinfo_get(s, "SYMBOL(log_buf)"))
			return kd_error_create(KD_ERR_UNSUPPORTED,
					       "this kernel has the pre-5.10 log_buf, not supported yet");
		return kd_error_create(KD_ERR_NOTFOUND,
				       "VMCOREINFO has no SYMBOL(prb): cannot find the kernel log");
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct kd_error *err = need(s, keys[i].key, (uint64_t *)((char *)l + keys[i].off));
		if (err)
			return err;
	}
	// Sanity: everything we index with must lie inside the structures.
	if (l->off_desc_ring + l->off_tail_id + 8 > l->rb_size ||
	    l->off_text_ring + l->off_data + 8 > l->rb_size ||
	    l->off_state_var + 8 > l->desc_size || l->off_text_blk_lpos + 16 > l->desc_size ||
	    l->off_caller_id + 4 > l->info_size || l->off_ts_nsec + 8 > l->info_size ||
	    l->off_text_len + 4 > l->info_size || l->off_dev_info + l->devinfo_size > l->info_size ||
	    l->off_subsystem + l->len_subsystem > l->devinfo_size ||
	    l->off_device + l->len_device > l->devinfo_size || l->rb_size > 4096 ||
	    l->desc_size > 4096 || l->info_size > 4096)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO's printk layout is inconsistent");
	return NULL;
}

static uint64_t u64_at(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t u32_at(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t u16_at(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }

// 64-bit unsigned long: DESC_FLAGS_SHIFT = BITS_PER_LONG - 2.
enum { DESC_SV_BITS = 64, DESC_FLAGS_SHIFT = DESC_SV_BITS - 2 };
#define DESC_ID_MASK (~(3ull << DESC_FLAGS_SHIFT))
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

struct ring {
	uint64_t count, head_id, tail_id;
	unsigned char *descs, *infos, *data;
	uint64_t data_size;
};

static void ring_free(struct ring *r)
{
	free(r->descs);
	free(r->infos);
	free(r->data);
}

static struct kd_error *read_ring(struct kd_session *s, const struct layout *l, struct ring *r)
{
	memset(r, 0, sizeof(*r));
	uint64_t rb;
	struct kd_error *err = kd_read_kernel(s, l->prb_sym, &rb, 8);
	if (err)
		return kd_error_prefix(err, "reading prb");
	unsigned char hdr[4096];
	err = kd_read_kernel(s, rb, hdr, l->rb_size);
	if (err)
		return kd_error_prefix(err, "reading the printk_ringbuffer at 0x%" PRIx64, rb);
	const unsigned char *dr = hdr + l->off_desc_ring, *tr = hdr + l->off_text_ring;
	uint32_t count_bits = u32_at(dr + l->off_count_bits);
	uint32_t size_bits = u32_at(tr + l->off_size_bits);
	// The kernel's limits: count_bits <= 25-ish, size_bits <= 31 (log_buf_len
	// up to 2 GiB); anything else is a corrupted ring buffer.
	if (count_bits > 26 || size_bits > 31 || size_bits < 3)
		return kd_error_create(KD_ERR_CORRUPT,
				       "printk ring buffer at 0x%" PRIx64 " has impossible sizes (count_bits %u, size_bits %u)",
				       rb, count_bits, size_bits);
	r->count = 1ull << count_bits;
	r->data_size = 1ull << size_bits;
	r->head_id = u64_at(dr + l->off_head_id + l->off_counter) & DESC_ID_MASK;
	r->tail_id = u64_at(dr + l->off_tail_id + l->off_counter) & DESC_ID_MASK;
	uint64_t descs = u64_at(dr + l->off_descs), infos = u64_at(dr + l->off_infos);
	uint64_t data = u64_at(tr + l->off_data);
	r->descs = malloc(r->count * l->desc_size);
	r->infos = malloc(r->count * l->info_size);
	r->data = malloc(r->data_size);
	if (!r->descs || !r->infos || !r->data) {
		ring_free(r);
		return &kd_enomem;
	}
	if ((err = kd_read_kernel(s, descs, r->descs, r->count * l->desc_size)) ||
	    (err = kd_read_kernel(s, infos, r->infos, r->count * l->info_size)) ||
	    (err = kd_read_kernel(s, data, r->data, r->data_size))) {
		ring_free(r);
		return kd_error_prefix(err, "reading the printk ring buffer");
	}
	return NULL;
}

// The text of the block [begin, next) per get_data() in printk_ringbuffer.c.
static bool block_text(const struct ring *r, uint64_t begin, uint64_t next, uint64_t text_len,
		       const unsigned char **text, size_t *len)
{
	*len = 0;
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
	start += 8; // skip the block's id word
	uint64_t avail = end - start;
	*text = r->data + start;
	*len = (size_t)(text_len < avail ? text_len : avail); // truncated records
	return true;
}

static void put_escaped(struct kd_session *s, const unsigned char *p, size_t n, int indent)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '\n')
			kd_printf(s, "\n%*s", indent, "");
		else if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '\\')
			kd_printf(s, "\\x%02x", c);
		else
			kd_printf(s, "%c", c);
	}
}

static struct kd_error *log_run(struct kd_session *s, int argc, char **argv)
{
	struct kd_optval v[O_NOPT];
	int nargs;
	struct kd_error *err = kd_parse_options(&commands[0], argc, argv, v, &nargs);
	if (err)
		return err;
	if (nargs)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", argv[1]);
	if (v[O_TT].count)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "-T needs the wall-clock time of the dump, which kdive cannot find yet");
	struct layout l;
	if ((err = get_layout(s, &l)))
		return err;
	struct ring r;
	if ((err = read_ring(s, &l, &r)))
		return err;

	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	uint64_t n = 0;
	// Walk tail to head; at most count descriptors, so a corrupted id can't loop.
	for (uint64_t id = r.tail_id;; id = (id + 1) & DESC_ID_MASK) {
		if (n++ > r.count)
			break;
		uint64_t idx = id & (r.count - 1);
		const unsigned char *d = r.descs + idx * l.desc_size;
		const unsigned char *info = r.infos + idx * l.info_size;
		uint64_t sv = u64_at(d + l.off_state_var + l.off_counter);
		unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT);
		bool last = id == r.head_id;
		if ((sv & DESC_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED)) {
			const unsigned char *lpos = d + l.off_text_blk_lpos;
			uint64_t ts = u64_at(info + l.off_ts_nsec);
			uint64_t seq = u64_at(info + l.off_seq);
			uint16_t text_len = u16_at(info + l.off_text_len);
			unsigned level = info[l.off_text_len + 3] >> 5;
			unsigned facility = info[l.off_text_len + 2];
			uint32_t caller = u32_at(info + l.off_caller_id);
			const unsigned char *text = NULL;
			size_t len;
			if (!block_text(&r, u64_at(lpos + l.off_lpos_begin), u64_at(lpos + l.off_lpos_next),
					text_len, &text, &len))
				len = 0; // inconsistent block: print the record without text
			const unsigned char *dev = info + l.off_dev_info;
			const char *subsys = (const char *)dev + l.off_subsystem;
			const char *device = (const char *)dev + l.off_device;
			size_t sublen = strnlen(subsys, l.len_subsystem), devlen = strnlen(device, l.len_device);
			char cbuf[16];
			snprintf(cbuf, sizeof(cbuf), "%c%u", caller & 0x80000000u ? 'C' : 'T',
				 caller & 0x7fffffffu);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_u64(s, "seq", seq);
				kd_json_u64(s, "ts_nsec", ts);
				kd_json_u64(s, "level", level);
				kd_json_u64(s, "facility", facility);
				kd_json_string(s, "caller", cbuf);
				kd_json_string_n(s, "text", (const char *)(text ? text : (const unsigned char *)""), len);
				if (sublen)
					kd_json_string_n(s, "subsystem", subsys, sublen);
				if (devlen)
					kd_json_string_n(s, "device", device, devlen);
				kd_json_end_object(s);
			} else {
				int col = 0;
				if (!v[O_T].count)
					col += kd_printf(s, "[%5" PRIu64 ".%06" PRIu64 "] ", ts / 1000000000,
							 (ts % 1000000000) / 1000);
				if (v[O_C].count)
					col += kd_printf(s, "[%7s] ", cbuf);
				if (v[O_M].count)
					col += kd_printf(s, "<%u>", level);
				put_escaped(s, text, len, col);
				kd_printf(s, "\n");
				if (v[O_D].count && sublen) {
					kd_printf(s, "%*sSUBSYSTEM=", col, "");
					put_escaped(s, (const unsigned char *)subsys, sublen, col);
					kd_printf(s, "\n");
				}
				if (v[O_D].count && devlen) {
					kd_printf(s, "%*sDEVICE=", col, "");
					put_escaped(s, (const unsigned char *)device, devlen, col);
					kd_printf(s, "\n");
				}
			}
		}
		if (last)
			break;
		if ((err = kd_check_interrupt(s)))
			break;
	}
	if (json)
		kd_json_end_array(s);
	ring_free(&r);
	return err;
}

static const struct kd_command commands[2] = {
	{
		.name = "log",
		.summary = "the kernel log (dmesg) from the dump",
		.synopsis = "[-t] [-m] [-c] [-d] [--json]",
		.help = "Print the kernel message buffer as dmesg and crash do: a timestamp in\n"
			"seconds since boot, then the text; lines of a multi-line message are\n"
			"indented to the text column; bytes that are not printable ASCII are\n"
			"shown as \\xNN as /dev/kmsg does (tabs are kept, as dmesg shows them).  Works from VMCOREINFO alone on\n"
			"Linux 5.10 and later (the lockless ring buffer).\n\n"
			"EXAMPLES\n"
			"  kdive> log | tail -n 3\n"
			"  kdive> log -m -c | grep '<3>'\n"
			"  kdive> log --json | jq -r '.[] | select(.level <= 3) | .text'",
		.options = log_opts,
		.flags = KD_CMD_JSON | KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_VMCOREINFO,
		.run = log_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "log",
	.version = "1",
	.commands = commands,
};
