// SPDX-License-Identifier: GPL-3.0-or-later
// search: find values or strings in memory, as crash's `search` does, and
// print "ADDRESS: VALUE" per match.  Kernel virtual memory by default (every
// page the kernel's page tables map, found by the arch backend's scan), the
// current context's user memory with -u, physical memory with -p (the
// dump's ranges).  Memory is read in 1 MiB physical runs (one read for a
// plainly stored ELF dump) and scanned in place: aligned words compared in
// the dump's byte order, strings by memmem across run boundaries.  Pages the
// dump left out are skipped silently and counted at the end.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/module.h>

enum { SO_K, SO_U, SO_P, SO_S, SO_E, SO_L, SO_M, SO_C, SO_W, SO_H, SO_B, SO_JSON, SO_NOPT };
static const struct kd_option search_opts[] = {
	[SO_K] = { "k", KD_ARG_NONE, NULL, "kernel virtual memory (the default)" },
	[SO_U] = { "u", KD_ARG_NONE, NULL, "user virtual memory of the current context (set PID)" },
	[SO_P] = { "p", KD_ARG_NONE, NULL, "physical memory" },
	[SO_S] = { "s", KD_ARG_ADDR, "START", "start here (a number or a symbol)" },
	[SO_E] = { "e", KD_ARG_ADDR, "END", "stop before here" },
	[SO_L] = { "l", KD_ARG_INT, "LENGTH", "search LENGTH bytes from the start" },
	[SO_M] = { "m", KD_ARG_INT, "MASK", "ignore these bits of each value" },
	[SO_C] = { "c", KD_ARG_NONE, NULL, "the operands are strings" },
	[SO_W] = { "w", KD_ARG_NONE, NULL, "32-bit values (4-byte aligned)" },
	[SO_H] = { "h", KD_ARG_NONE, NULL, "16-bit values (2-byte aligned)" },
	[SO_B] = { "b", KD_ARG_NONE, NULL, "8-bit values" },
	[SO_JSON] = KD_OPTION_JSON,
	[SO_NOPT] = { NULL },
};

enum { MAX_NEEDLES = 16, RUN = 1 << 20, STR_MAX = 256, CONTEXT = 64 };

struct search {
	struct kd_session *s;
	bool json, strings, big_endian;
	unsigned unit;                 // bytes per value (1, 2, 4, 8)
	size_t n;                      // needles
	uint64_t raw[MAX_NEEDLES];     // values in the dump's byte order, masked
	uint64_t keep;                 // ~mask in the dump's byte order
	const char *str[MAX_NEEDLES];
	size_t slen[MAX_NEEDLES], maxlen;
	uint64_t start, end;           // end exclusive, 0 = the top
	uint64_t matches, skipped_pages, bytes;
	uint64_t page;
	// strings: the tail of the previous run, when the next one follows it
	uint8_t tail[STR_MAX];
	size_t ntail;
	uint64_t tail_end;             // address after the tail
	uint8_t *buf;
};

static uint64_t to_raw(const struct search *st, uint64_t v)
{
	// The unit-byte value v as it lies in memory, read back as a host
	// little-endian word of the same size.
	uint64_t r = 0;
	for (unsigned i = 0; i < st->unit; i++) {
		unsigned sh = st->big_endian ? 8 * (st->unit - 1 - i) : 8 * i;
		r |= ((v >> sh) & 0xff) << (8 * i);
	}
	return r;
}

static uint64_t from_raw(const struct search *st, uint64_t r)
{
	return to_raw(st, r); // the byte swap is its own inverse
}

static void print_value(struct search *st, uint64_t addr, uint64_t raw)
{
	uint64_t v = from_raw(st, raw);
	st->matches++;
	if (st->json) {
		kd_json_begin_object(st->s, NULL);
		kd_json_hex(st->s, "address", addr);
		kd_json_hex(st->s, "value", v);
		kd_json_end_object(st->s);
	} else {
		kd_printf(st->s, "%016" PRIx64 ": %0*" PRIx64 "\n", addr, (int)st->unit * 2, v);
	}
}

static void print_string(struct search *st, uint64_t addr, const uint8_t *p, size_t avail)
{
	// The match and what follows it while printable, as crash shows it.
	char out[CONTEXT + 1];
	size_t n = 0;
	while (n < avail && n < CONTEXT && p[n] >= 0x20 && p[n] < 0x7f)
		out[n] = (char)p[n], n++;
	out[n] = 0;
	st->matches++;
	if (st->json) {
		kd_json_begin_object(st->s, NULL);
		kd_json_hex(st->s, "address", addr);
		kd_json_string(st->s, "string", out);
		kd_json_end_object(st->s);
	} else {
		kd_printf(st->s, "%016" PRIx64 ": %s\n", addr, out);
	}
}

// Values: aligned words of buf (at address va), compared raw, one loop
// per width so that each load is a plain load (the host is little-endian:
// a raw word is read as it lies in memory).
#define SCAN_ONE(T)                                                              \
	do {                                                                     \
		const T want = (T)st->raw[0], keep = (T)st->keep;                \
		for (; i + sizeof(T) <= len; i += sizeof(T)) {                   \
			T w;                                                     \
			memcpy(&w, buf + i, sizeof(T));                          \
			if ((T)(w & keep) == want)                               \
				print_value(st, va + i, w);                      \
		}                                                                \
	} while (0)
#define SCAN_MANY(T)                                                             \
	do {                                                                     \
		const T keep = (T)st->keep;                                      \
		for (; i + sizeof(T) <= len; i += sizeof(T)) {                   \
			T w;                                                     \
			memcpy(&w, buf + i, sizeof(T));                          \
			for (size_t k = 0; k < st->n; k++)                       \
				if ((T)(w & keep) == (T)st->raw[k]) {            \
					print_value(st, va + i, w);              \
					break;                                   \
				}                                                \
		}                                                                \
	} while (0)

static void scan_values(struct search *st, uint64_t va, const uint8_t *buf, size_t len)
{
	const unsigned u = st->unit;
	size_t i = (size_t)((u - va % u) % u);
	if (st->n == 1 && u == 1 && st->keep == 0xff) {
		const uint8_t *p = buf + i, *e = buf + len;
		while (p < e && (p = memchr(p, (int)st->raw[0], (size_t)(e - p)))) {
			print_value(st, va + (uint64_t)(p - buf), *p);
			p++;
		}
		return;
	}
	switch (u * (st->n == 1 ? 1 : 16)) {
	case 1: SCAN_ONE(uint8_t); break;
	case 2: SCAN_ONE(uint16_t); break;
	case 4: SCAN_ONE(uint32_t); break;
	case 8: SCAN_ONE(uint64_t); break;
	case 16: SCAN_MANY(uint8_t); break;
	case 32: SCAN_MANY(uint16_t); break;
	case 64: SCAN_MANY(uint32_t); break;
	default: SCAN_MANY(uint64_t); break;
	}
}

static void scan_strings(struct search *st, uint64_t va, const uint8_t *buf, size_t len)
{
	// Matches that start in the previous run's tail and end in this one.
	if (st->ntail && st->tail_end == va) {
		uint8_t join[2 * STR_MAX];
		size_t take = len < STR_MAX ? len : STR_MAX;
		memcpy(join, st->tail, st->ntail);
		memcpy(join + st->ntail, buf, take);
		for (size_t k = 0; k < st->n; k++)
			for (size_t off = 0; off < st->ntail; off++)
				if (off + st->slen[k] > st->ntail && off + st->slen[k] <= st->ntail + take &&
				    !memcmp(join + off, st->str[k], st->slen[k]))
					print_string(st, va - st->ntail + off, join + off, st->ntail + take - off);
	}
	for (size_t k = 0; k < st->n; k++) {
		const uint8_t *p = buf, *e = buf + len;
		while (p < e) {
			const uint8_t *m = memmem(p, (size_t)(e - p), st->str[k], st->slen[k]);
			if (!m)
				break;
			print_string(st, va + (uint64_t)(m - buf), m, (size_t)(e - m));
			p = m + 1;
		}
	}
	size_t keep = st->maxlen - 1 < len ? st->maxlen - 1 : len;
	memcpy(st->tail, buf + len - keep, keep);
	st->ntail = keep;
	st->tail_end = va + len;
}

static void scan(struct search *st, uint64_t va, const uint8_t *buf, size_t len)
{
	st->bytes += len;
	if (st->strings)
		scan_strings(st, va, buf, len);
	else
		scan_values(st, va, buf, len);
}

// Scan [va, va + len) backed by physical memory from pa: whole runs, and
// page by page where a run has a page the dump lacks.
static struct kd_error *scan_phys(struct search *st, uint64_t va, uint64_t pa, uint64_t len)
{
	while (len) {
		uint64_t n = len < RUN ? len : RUN;
		// Runs end at run boundaries of pa, so that they stay page aligned.
		uint64_t to_edge = RUN - (pa % RUN);
		if (n > to_edge)
			n = to_edge;
		struct kd_error *err = kd_read_phys(st->s, pa, st->buf, (size_t)n);
		if (!err) {
			scan(st, va, st->buf, (size_t)n);
		} else {
			kd_error_destroy(err);
			for (uint64_t off = 0; off < n;) {
				uint64_t m = st->page - ((pa + off) % st->page);
				if (m > n - off)
					m = n - off;
				if ((err = kd_read_phys(st->s, pa + off, st->buf, (size_t)m))) {
					kd_error_destroy(err);
					st->skipped_pages++;
					st->ntail = 0;
				} else {
					scan(st, va + off, st->buf, (size_t)m);
				}
				off += m;
			}
		}
		va += n, pa += n, len -= n;
		if ((err = kd_check_interrupt(st->s)))
			return err;
	}
	return NULL;
}

static uint64_t clamp_end(const struct search *st, uint64_t a, uint64_t b)
{
	// [a, b) limited to the search's end (0 = the top of the space)
	if (st->end && b > st->end)
		return st->end;
	return b;
}

static struct kd_error *search_phys(struct search *st)
{
	struct kd_error *err = NULL;
	for (size_t i = 0; i < kd_phys_range_count(st->s) && !err; i++) {
		const struct kd_phys_range *r = kd_phys_range_get(st->s, i);
		uint64_t lo = r->start > st->start ? r->start : st->start;
		uint64_t hi = clamp_end(st, lo, r->start + r->size);
		if (hi > lo)
			err = scan_phys(st, lo, lo, hi - lo);
	}
	return err;
}

static struct kd_error *search_virt(struct search *st, const struct kd_as *as)
{
	uint64_t va = st->start;
	for (;;) {
		uint64_t mva, mpa, msize;
		if (st->end && va >= st->end)
			return NULL;
		struct kd_error *err = kd_next_mapped(st->s, as, va, st->end, &mva, &mpa, &msize);
		if (err) {
			if (kd_error_catch(&err, KD_ERR_NOTFOUND))
				return NULL;
			return err;
		}
		uint64_t lo = mva > va ? mva : va;
		uint64_t hi = clamp_end(st, lo, mva + msize);
		if (mva + msize < mva) // the last page of the address space
			hi = st->end ? st->end : UINT64_MAX - st->page + 1;
		if (hi > lo && (err = scan_phys(st, lo, mpa + (lo - mva), hi - lo)))
			return err;
		if (mva + msize <= va || mva + msize < mva)
			return NULL; // no progress, or the top
		va = mva + msize;
	}
}

static struct kd_error *search_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	struct search st = {
		.s = s, .json = kd_json_mode(s), .strings = v[SO_C].count > 0,
		.big_endian = kd_dump_big_endian(s), .unit = 8, .page = kd_page_size(s),
	};
	if ((v[SO_K].count > 0) + (v[SO_U].count > 0) + (v[SO_P].count > 0) > 1)
		return kd_error_create(KD_ERR_USAGE, "-k, -u and -p exclude each other");
	if ((v[SO_C].count > 0) + (v[SO_W].count > 0) + (v[SO_H].count > 0) + (v[SO_B].count > 0) > 1)
		return kd_error_create(KD_ERR_USAGE, "-c, -w, -h and -b exclude each other");
	if (v[SO_E].count && v[SO_L].count)
		return kd_error_create(KD_ERR_USAGE, "-e and -l exclude each other");
	if (args->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "expected a value or string to search for");
	if (args->argc - 1 > MAX_NEEDLES)
		return kd_error_create(KD_ERR_USAGE, "at most %d values", MAX_NEEDLES);
	st.unit = v[SO_W].count ? 4 : v[SO_H].count ? 2 : v[SO_B].count ? 1 : 8;
	uint64_t mask = 0;
	if (v[SO_M].count && (err = kd_parse_u64(v[SO_M].arg, true, &mask)))
		return err;
	uint64_t width = st.unit == 8 ? UINT64_MAX : (1ull << (8 * st.unit)) - 1;
	st.keep = to_raw(&st, ~mask & width);
	st.n = (size_t)args->argc - 1;
	for (size_t k = 0; k < st.n; k++) {
		const char *a = args->argv[k + 1];
		if (st.strings) {
			st.str[k] = a;
			st.slen[k] = strlen(a);
			if (!st.slen[k] || st.slen[k] > STR_MAX)
				return kd_error_create(KD_ERR_USAGE, "strings of 1 to %d bytes", STR_MAX);
			if (st.slen[k] > st.maxlen)
				st.maxlen = st.slen[k];
			continue;
		}
		uint64_t val;
		if ((err = kd_parse_address(s, a, &val)))
			return err;
		if (val > width)
			return kd_error_create(KD_ERR_USAGE, "value %s does not fit in %u bytes", a, st.unit);
		st.raw[k] = to_raw(&st, val) & st.keep;
	}
	// The range: crash's defaults, the whole space of each kind.
	struct kd_vm_info vi;
	kd_vm_info_get(s, &vi);
	struct kd_as as = { .kind = KD_AS_KERNEL };
	bool phys = v[SO_P].count > 0;
	if (v[SO_U].count) {
		uint64_t task;
		if (!kd_context_get(s, &task, &as) || as.kind != KD_AS_USER)
			return kd_error_create(KD_ERR_USAGE, "-u: no user context (set PID to a process)");
		st.end = vi.user_end;
	} else if (!phys) {
		// A machine without a page-table walker: the kernel addresses
		// the dump's ELF segments map (kd_next_mapped says if none).
		if (!vi.arch && kd_arch_info_get(s))
			return kd_error_create(KD_ERR_UNSUPPORTED, "no address translation for this dump: use -p");
		st.start = vi.user_end;
	}
	if (v[SO_S].count && (err = kd_parse_address(s, v[SO_S].arg, &st.start)))
		return err;
	if (v[SO_E].count && (err = kd_parse_address(s, v[SO_E].arg, &st.end)))
		return err;
	if (v[SO_L].count) {
		uint64_t len;
		if ((err = kd_parse_u64(v[SO_L].arg, false, &len)))
			return err;
		st.end = st.start + len < st.start ? 0 : st.start + len;
	}
	if (st.end && st.end <= st.start)
		return kd_error_create(KD_ERR_USAGE, "the end 0x%" PRIx64 " is not above the start 0x%" PRIx64,
				       st.end, st.start);
	if (!(st.buf = malloc(RUN)))
		return &kd_enomem;
	if (st.json) {
		kd_json_begin_object(s, NULL);
		kd_json_begin_array(s, "matches");
	}
	err = phys ? search_phys(&st) : search_virt(&st, &as);
	if (st.json) {
		kd_json_end_array(s);
		kd_json_u64(s, "skipped_pages", st.skipped_pages);
		kd_json_u64(s, "bytes_searched", st.bytes);
		kd_json_end_object(s);
	}
	if (st.skipped_pages && !st.json)
		kd_warn(s, "%" PRIu64 " page%s not in the dump were skipped", st.skipped_pages,
			st.skipped_pages == 1 ? "" : "s");
	free(st.buf);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "search",
	.summary = "search memory for values or strings",
	.synopsis = "[-k|-u|-p] [-s start] [-e end | -l length] [-m mask] [-c|-w|-h|-b] value...",
	.help = "Search memory for each value (64-bit, 8-byte aligned by default; -w 32-bit,\n"
		"-h 16-bit, -b 8-bit, each aligned to its size) or, with -c, each string,\n"
		"and print \"ADDRESS: VALUE\" per match (a string with what follows it while\n"
		"printable).  -m MASK ignores those bits of every value compared.  Values\n"
		"may be symbols.  The memory is the kernel's virtual memory by default\n"
		"(every page its page tables map, from the end of user space; the direct\n"
		"map and vmalloc space both show a page mapped twice), the current\n"
		"context's user memory with -u, physical memory with -p.  -s, -e and -l\n"
		"limit the range.  Pages the dump left out are skipped and counted in one\n"
		"warning at the end.\n\n"
		"EXAMPLES\n"
		"  kdive> search -s init_task -l 0x1000 init_task\n"
		"  kdive> search -p -c \"Linux version\"\n"
		"  kdive> search -w -m 0xffff 0xdead0000\n"
		"  kdive> set 94; search -u 0x6b64697661000000",
	.options = search_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS,
	.run = search_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "search",
	.version = "1",
	.commands = commands,
};
