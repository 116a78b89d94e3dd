// SPDX-License-Identifier: GPL-3.0-or-later
// crash's small arithmetic and conversion commands, in one module because
// each is a screenful that shares the number parsing and none reads kernel
// structures: eval (an expression in hexadecimal, decimal, octal and
// binary), ascii (a value's bytes as text, or the ASCII chart), btop and
// ptob (byte address <-> page frame number, by the dump's page size), ptov
// (physical address -> its direct-map virtual address, page_offset_base from
// the arch layer; OFFSET:CPUS gives per-CPU addresses, __per_cpu_offset[])
// and pte (a page-table entry's physical address and flags, or its swap
// type and offset, decoded by the arch backend: arch/x86_64.c follows
// arch/x86/include/asm/pgtable_types.h and pgtable_64.h).
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>

/* ---- eval ----------------------------------------------------------------- */

// A recursive-descent parser over C's precedence (crash's eval takes
// "x op y"; any well-formed expression of the same operators is a superset).
// Values are unsigned 64-bit and wrap; a shift by 64 or more gives 0.
struct parser {
	struct kd_session *s;
	const char *p;
	struct kd_error *err;
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]))
			return false;
	return n > 0;
}

// A number as crash reads one: "0x" hex; digits only: decimal; with a-f:
// hex ("when obvious"); then an optional k/K, m/M, g/G multiplier.
static bool parse_number(const char *t, size_t n, uint64_t *ret)
{
	uint64_t mult = 1;
	if (n > 1 && strchr("kKmMgG", t[n - 1])) {
		char c = (char)tolower((unsigned char)t[n - 1]);
		mult = c == 'k' ? 1ull << 10 : c == 'm' ? 1ull << 20 : 1ull << 30;
		n--;
	}
	int base;
	if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		t += 2;
		n -= 2;
		base = 16;
	} else if (all_in(t, n, "0123456789")) {
		base = 10;
	} else {
		base = 16;
	}
	if (!all_in(t, n, base == 10 ? "0123456789" : "0123456789abcdefABCDEF"))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = isdigit((unsigned char)t[i]) ? (unsigned)(t[i] - '0')
							  : (unsigned)(tolower((unsigned char)t[i]) - 'a' + 10);
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return false; // overflow: not a 64-bit number
		v = v * (uint64_t)base + d;
	}
	*ret = v * mult;
	return true;
}

static uint64_t parse_or(struct parser *ps);

static uint64_t parse_primary(struct parser *ps)
{
	skip_ws(ps);
	if (ps->err)
		return 0;
	if (*ps->p == '(') {
		ps->p++;
		uint64_t v = parse_or(ps);
		skip_ws(ps);
		if (!ps->err && *ps->p != ')')
			ps->err = kd_error_create(KD_ERR_USAGE, "missing ')' at '%s'", ps->p);
		else
			ps->p++;
		return v;
	}
	const char *t = ps->p;
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
		ps->p++;
	size_t n = (size_t)(ps->p - t);
	if (n == 0) {
		if (*t)
			ps->err = kd_error_create(KD_ERR_USAGE, "unexpected '%c'", *t);
		else
			ps->err = kd_error_create(KD_ERR_USAGE, "the expression ends early");
		return 0;
	}
	uint64_t v;
	if (parse_number(t, n, &v))
		return v;
	if (isdigit((unsigned char)t[0])) {
		ps->err = kd_error_create(KD_ERR_USAGE, "'%.*s' is not a 64-bit number", (int)n, t);
		return 0;
	}
	// A symbol: the kernel's symbols are loaded at this point of use.
	char name[256];
	snprintf(name, sizeof(name), "%.*s", (int)n, t);
	struct kd_error *err = kd_symbols_load(ps->s);
	if (!err)
		err = kd_symbol_address(ps->s, name, &v);
	if (err) {
		ps->err = kd_error_prefix(err, "'%s' is neither a number nor a symbol", name);
		return 0;
	}
	return v;
}

static uint64_t parse_unary(struct parser *ps)
{
	skip_ws(ps);
	char c = *ps->p;
	if (c == '~' || c == '-' || c == '+') {
		ps->p++;
		uint64_t v = parse_unary(ps);
		return c == '~' ? ~v : c == '-' ? 0 - v : v;
	}
	return parse_primary(ps);
}

// One level of binary operators: ops are the operator strings of the level.
typedef uint64_t level_fn(struct parser *ps);

static const char *match_op(struct parser *ps, const char *const *ops)
{
	skip_ws(ps);
	for (; *ops; ops++) {
		size_t n = strlen(*ops);
		// '<' and '>' are only the shifts; a lone '|' is not "||" etc.
		if (strncmp(ps->p, *ops, n) == 0 && (n == 2 || ps->p[1] != ps->p[0]))
			return *ops;
	}
	return NULL;
}

static uint64_t apply(struct parser *ps, const char *op, uint64_t a, uint64_t b)
{
	switch (op[0]) {
	case '+': return a + b;
	case '-': return a - b;
	case '*': return a * b;
	case '&': return a & b;
	case '|': return a | b;
	case '^': return a ^ b;
	case '<': return b >= 64 ? 0 : a << b;
	case '>': return b >= 64 ? 0 : a >> b;
	case '/':
	case '%':
		if (b == 0) {
			if (!ps->err)
				ps->err = kd_error_create(KD_ERR_USAGE, "division by zero");
			return 0;
		}
		return op[0] == '/' ? a / b : a % b;
	}
	return 0;
}

static uint64_t parse_level(struct parser *ps, level_fn *next, const char *const *ops)
{
	uint64_t v = next(ps);
	const char *op;
	while (!ps->err && (op = match_op(ps, ops))) {
		ps->p += strlen(op);
		uint64_t r = next(ps);
		v = apply(ps, op, v, r);
	}
	return v;
}

static const char *const mul_ops[] = { "*", "/", "%", NULL };
static const char *const add_ops[] = { "+", "-", NULL };
static const char *const shift_ops[] = { "<<", ">>", NULL };
static const char *const and_ops[] = { "&", NULL };
static const char *const xor_ops[] = { "^", NULL };
static const char *const or_ops[] = { "|", NULL };
static uint64_t parse_mul(struct parser *ps) { return parse_level(ps, parse_unary, mul_ops); }
static uint64_t parse_add(struct parser *ps) { return parse_level(ps, parse_mul, add_ops); }
static uint64_t parse_shift(struct parser *ps) { return parse_level(ps, parse_add, shift_ops); }
static uint64_t parse_and(struct parser *ps) { return parse_level(ps, parse_shift, and_ops); }
static uint64_t parse_xor(struct parser *ps) { return parse_level(ps, parse_and, xor_ops); }
static uint64_t parse_or(struct parser *ps) { return parse_level(ps, parse_xor, or_ops); }

static char *join_args(const struct kd_args *args)
{
	size_t n = 1;
	for (int i = 1; i < args->argc; i++)
		n += strlen(args->argv[i]) + 1;
	char *s = calloc(1, n);
	if (!s)
		return NULL;
	for (int i = 1; i < args->argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, args->argv[i]);
	}
	return s;
}

enum { E_B, E_L, E_JSON, E_NOPT };
static const struct kd_option eval_opts[] = {
	[E_B] = { "b", KD_ARG_NONE, NULL, "also list the bit positions that are set" },
	[E_L] = { "l", KD_ARG_NONE, NULL, "64-bit operands and result (always so on a 64-bit host)" },
	[E_JSON] = KD_OPTION_JSON,
	[E_NOPT] = { NULL },
};

static struct kd_error *eval_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "an expression or a value is needed");
	char *text = join_args(args);
	if (!text)
		return &kd_enomem;
	struct parser ps = { .s = s, .p = text };
	uint64_t v = parse_or(&ps);
	skip_ws(&ps);
	if (!ps.err && *ps.p)
		ps.err = kd_error_create(KD_ERR_USAGE, "unexpected '%s' after the expression", ps.p);
	free(text);
	if (ps.err)
		return ps.err;

	char bin[65], oct[24], size[24] = "";
	for (int i = 0; i < 64; i++)
		bin[i] = (v >> (63 - i)) & 1 ? '1' : '0';
	bin[64] = '\0';
	snprintf(oct, sizeof(oct), "%" PRIo64, v);
	// crash's shorthand: a whole number of GB, MB or KB.
	if (v && v % (1ull << 30) == 0)
		snprintf(size, sizeof(size), "%" PRIu64 "GB", v >> 30);
	else if (v && v % (1ull << 20) == 0)
		snprintf(size, sizeof(size), "%" PRIu64 "MB", v >> 20);
	else if (v && v % (1ull << 10) == 0)
		snprintf(size, sizeof(size), "%" PRIu64 "KB", v >> 10);
	bool neg = v >> 63;
	bool bits = args->opt[E_B].count > 0;
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "hexadecimal", v);
		kd_json_u64(s, "decimal", v);
		kd_json_i64(s, "signed", (int64_t)v);
		kd_json_string(s, "octal", oct);
		kd_json_string(s, "binary", bin);
		if (size[0])
			kd_json_string(s, "size", size);
		if (bits) {
			kd_json_begin_array(s, "bits_set");
			for (int i = 63; i >= 0; i--)
				if ((v >> i) & 1)
					kd_json_u64(s, NULL, (uint64_t)i);
			kd_json_end_array(s);
		}
		kd_json_end_object(s);
		return NULL;
	}
	kd_printf(s, "hexadecimal: %" PRIx64, v);
	if (size[0])
		kd_printf(s, "  (%s)", size);
	kd_printf(s, "\n    decimal: %" PRIu64, v);
	if (neg)
		kd_printf(s, "  (%" PRId64 ")", (int64_t)v);
	kd_printf(s, "\n      octal: %s\n     binary: %s\n", oct, bin);
	if (bits) {
		kd_printf(s, "   bits set:");
		for (int i = 63; i >= 0; i--)
			if ((v >> i) & 1)
				kd_printf(s, " %d", i);
		kd_printf(s, "\n");
	}
	return NULL;
}

/* ---- ascii ---------------------------------------------------------------- */

static const char *const ctrl_names[33] = {
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT",
	"FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US", "SP",
};

static const char *char_name(unsigned c, char *buf)
{
	if (c <= 32)
		return ctrl_names[c];
	if (c == 127)
		return "DEL";
	buf[0] = (char)c;
	buf[1] = '\0';
	return buf;
}

static void ascii_chart(struct kd_session *s)
{
	char b[2];
	if (kd_json_mode(s)) {
		kd_json_begin_array(s, NULL);
		for (unsigned c = 0; c < 128; c++) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "code", c);
			kd_json_string(s, "name", char_name(c, b));
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		return;
	}
	// crash's layout: one column per high nibble, one row per low nibble.
	kd_printf(s, "      0    1    2    3    4    5    6    7\n");
	kd_printf(s, "    +---------------------------------------\n");
	for (unsigned lo = 0; lo < 16; lo++) {
		kd_printf(s, "  %X |", lo);
		for (unsigned hi = 0; hi < 8; hi++)
			kd_printf(s, hi < 7 ? " %-4s" : " %s", char_name(hi << 4 | lo, b));
		kd_printf(s, "\n");
	}
}

static struct kd_error *ascii_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc < 2) {
		ascii_chart(s);
		return NULL;
	}
	if (kd_json_mode(s))
		kd_json_begin_array(s, NULL);
	struct kd_error *err = NULL;
	for (int i = 1; i < args->argc && !err; i++) {
		uint64_t v;
		if ((err = kd_parse_u64(args->argv[i], true, &v)))
			break;
		// The bytes in memory order (the value little-endian, as crash
		// shows it), up to the last non-zero one.
		char text[8 * 4 + 1] = "";
		size_t n = 0;
		for (int b = 0; b < 8 && (v >> (8 * b)); b++) {
			unsigned c = (v >> (8 * b)) & 0xff;
			if (c >= 0x20 && c < 0x7f)
				text[n++] = (char)c;
			else
				n += (size_t)snprintf(text + n, sizeof(text) - n, "<%02x>", c);
		}
		text[n] = '\0';
		if (kd_json_mode(s)) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "value", v);
			kd_json_string(s, "ascii", text);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%" PRIx64 ": %s\n", v, text);
		}
	}
	if (kd_json_mode(s))
		kd_json_end_array(s);
	return err;
}

/* ---- btop, ptob ----------------------------------------------------------- */

static unsigned page_shift(struct kd_session *s)
{
	uint64_t ps = kd_page_size(s);
	unsigned sh = 0;
	while (ps > 1) {
		ps >>= 1;
		sh++;
	}
	return sh;
}

static struct kd_error *convert(struct kd_session *s, const struct kd_args *args, bool to_pfn)
{
	if (args->argc < 2)
		return kd_error_create(KD_ERR_USAGE, to_pfn ? "an address is needed" : "a page frame number is needed");
	unsigned sh = page_shift(s);
	struct kd_error *err = NULL;
	if (kd_json_mode(s))
		kd_json_begin_array(s, NULL);
	for (int i = 1; i < args->argc; i++) {
		uint64_t v, r;
		if ((err = kd_parse_u64(args->argv[i], true, &v)))
			break;
		if (!to_pfn && v > (UINT64_MAX >> sh)) {
			err = kd_error_create(KD_ERR_USAGE, "pfn %" PRIx64 " is beyond 64-bit addresses", v);
			break;
		}
		r = to_pfn ? v >> sh : v << sh;
		if (kd_json_mode(s)) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, to_pfn ? "address" : "pfn", v);
			kd_json_hex(s, to_pfn ? "pfn" : "address", r);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%" PRIx64 ": %" PRIx64 "\n", v, r);
		}
	}
	if (kd_json_mode(s))
		kd_json_end_array(s);
	return err;
}

static struct kd_error *btop_run(struct kd_session *s, const struct kd_args *args)
{
	return convert(s, args, true);
}

static struct kd_error *ptob_run(struct kd_session *s, const struct kd_args *args)
{
	return convert(s, args, false);
}

/* ---- ptov ----------------------------------------------------------------- */

enum { MAX_CPUS = 4096 };

static struct kd_error *ptov_percpu(struct kd_session *s, const char *arg, const char *colon)
{
	char off_text[256];
	snprintf(off_text, sizeof(off_text), "%.*s", (int)(colon - arg), arg);
	uint64_t off;
	struct kd_error *err = kd_parse_address(s, off_text, &off);
	if (err)
		return err;
	unsigned ncpus = kd_dump_nr_cpus(s);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	bool mask[MAX_CPUS] = { false };
	if ((err = kd_parse_cpus(colon + 1, ncpus, mask)))
		return err;
	if ((err = kd_symbols_load(s)))
		return kd_error_prefix(err, "per-CPU offsets need the kernel's symbols");
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "percpu_offset", off);
		kd_json_begin_array(s, "cpus");
	} else {
		kd_printf(s, "PER-CPU OFFSET: %" PRIx64 "\n  CPU      VIRTUAL\n", off);
	}
	for (unsigned c = 0; c < ncpus && !err; c++) {
		if (!mask[c])
			continue;
		uint64_t base;
		if ((err = kd_percpu_offset(s, c, &base)))
			break;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "cpu", c);
			kd_json_hex(s, "virtual", off + base);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "  [%u]  %016" PRIx64 "\n", c, off + base);
		}
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

static struct kd_error *ptov_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "a physical address or OFFSET:CPUS is needed");
	const char *colon = strchr(args->argv[1], ':');
	if (colon) {
		if (args->argc > 2)
			return kd_error_create(KD_ERR_USAGE, "one OFFSET:CPUS at a time");
		return ptov_percpu(s, args->argv[1], colon);
	}
	struct kd_vm_info vi;
	kd_vm_info_get(s, &vi);
	if (!vi.page_offset)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the direct map's base is unknown for this dump");
	struct kd_error *err = NULL;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "VIRTUAL           PHYSICAL\n");
	for (int i = 1; i < args->argc; i++) {
		uint64_t pa;
		if ((err = kd_parse_u64(args->argv[i], true, &pa)))
			break;
		uint64_t va = vi.page_offset + pa;
		const struct kd_vm_region *r = kd_vm_region_find(s, va);
		if (va < vi.page_offset || (r && strcmp(r->name, "direct map") != 0)) {
			err = kd_error_create(KD_ERR_USAGE, "physical address %" PRIx64 " is beyond the direct map", pa);
			break;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "virtual", va);
			kd_json_hex(s, "physical", pa);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%016" PRIx64 "  %" PRIx64 "\n", va, pa);
		}
	}
	if (json)
		kd_json_end_array(s);
	return err;
}

/* ---- pte ------------------------------------------------------------------ */

static struct kd_error *pte_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "a page-table entry is needed");
	struct kd_vm_info vi;
	kd_vm_info_get(s, &vi);
	if (!vi.arch)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no page-table decoder for this dump's machine");
	bool json = kd_json_mode(s);
	struct kd_error *err = NULL;
	if (json)
		kd_json_begin_array(s, NULL);
	for (int i = 1; i < args->argc; i++) {
		uint64_t e, type, off;
		if ((err = kd_parse_u64(args->argv[i], true, &e)))
			break;
		char flags[256];
		kd_pte_flags(s, e, flags, sizeof(flags));
		bool swap = kd_pte_swap(s, e, &type, &off);
		uint64_t pa = e & vi.entry_addr_mask;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "pte", e);
			if (swap) {
				kd_json_u64(s, "swap_type", type);
				kd_json_hex(s, "swap_offset", off);
			} else {
				kd_json_hex(s, "physical", pa);
			}
			kd_json_string(s, "flags", flags);
			kd_json_end_object(s);
			continue;
		}
		if (i > 1)
			kd_printf(s, "\n");
		// crash's layouts: PTE PHYSICAL FLAGS for a mapping, PTE SWAP
		// OFFSET for a swap entry (the type, not the device: see `swap`).
		if (swap) {
			kd_printf(s, "%-16s  %-9s  %s\n", "PTE", "SWAP TYPE", "OFFSET");
			kd_printf(s, "%016" PRIx64 "  %-9" PRIu64 "  %" PRIu64 "\n", e, type, off);
		} else {
			kd_printf(s, "%-16s  %-16s  %s\n", "PTE", "PHYSICAL", "FLAGS");
			kd_printf(s, "%016" PRIx64 "  %016" PRIx64 "  (%s)\n", e, pa, flags[0] ? flags : "none");
		}
	}
	if (json)
		kd_json_end_array(s);
	return err;
}

/* ---- the module ----------------------------------------------------------- */

static const struct kd_option json_only[] = {
	KD_OPTION_JSON,
	{ NULL },
};

static const struct kd_command commands[] = {
	{
		.name = "eval",
		.summary = "evaluate an expression: hexadecimal, decimal, octal, binary",
		.operands = "EXPRESSION",
		.help = "Evaluate an expression of numbers and kernel symbols and print the\n"
			"result in hexadecimal (with a KB/MB/GB shorthand when it is a whole\n"
			"number of them), decimal (and signed decimal when the top bit is set),\n"
			"octal and binary, as crash does.  Operators, by C's precedence:\n"
			"unary ~ - +, then * / %, + -, << >>, &, ^, |; parentheses group.\n"
			"Inside parentheses '|' and '>>' are operators, not a pipe or a\n"
			"redirection.  Values are 64-bit unsigned and wrap; a shift by 64 or\n"
			"more gives 0; division by zero is an error.  A number is hexadecimal\n"
			"with 0x or when it has a letter a-f, else decimal, and may end in\n"
			"k, m or g (times 1024, 1 MB, 1 GB); other names are kernel symbols.\n\n"
			"EXAMPLES\n"
			"  kdive> eval (1 << 20) + 4k\n"
			"  hexadecimal: 101000  (1028KB)\n"
			"      decimal: 1052672\n"
			"        octal: 4010000\n"
			"       binary: 0000000000000000000000000000000000000000000100000001000000000000\n"
			"  kdive> eval -b 41dc065\n"
			"  kdive> eval init_task + 0x10",
		.options = eval_opts,
		.run = eval_run,
	},
	{
		.name = "ascii",
		.summary = "a value's bytes as ASCII text, or the ASCII chart",
		.operands = "[VALUE...]",
		.help = "With no argument, print the ASCII chart.  With hexadecimal values,\n"
			"print each value's bytes as they lie in memory (least significant\n"
			"first, as on x86_64), up to the last non-zero byte; bytes that are not\n"
			"printable show as <xx>.\n\n"
			"EXAMPLES\n"
			"  kdive> ascii 62696c2f7273752f\n"
			"  62696c2f7273752f: /usr/lib",
		.options = json_only,
		.operand = KD_ARG_INT,
		.run = ascii_run,
	},
	{
		.name = "btop",
		.summary = "byte address to page frame number",
		.operands = "ADDRESS...",
		.help = "Print each (hexadecimal) address's page frame number: the address\n"
			"shifted right by the dump's page size.\n\n"
			"EXAMPLES\n"
			"  kdive> btop 512a000\n"
			"  512a000: 512a",
		.options = json_only,
		.operand = KD_ARG_INT,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = btop_run,
	},
	{
		.name = "ptob",
		.summary = "page frame number to byte address",
		.operands = "PFN...",
		.help = "Print each (hexadecimal) page frame number's physical address: the\n"
			"number shifted left by the dump's page size.\n\n"
			"EXAMPLES\n"
			"  kdive> ptob 512a\n"
			"  512a: 512a000",
		.options = json_only,
		.operand = KD_ARG_INT,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = ptob_run,
	},
	{
		.name = "ptov",
		.summary = "physical address to its direct-map virtual address; per-CPU addresses",
		.operands = "PADDR... | OFFSET:CPUS",
		.help = "Print the kernel virtual address of each physical address in the\n"
			"direct map (page_offset_base + address).  OFFSET:CPUS instead adds\n"
			"each listed CPU's per-CPU offset (__per_cpu_offset[cpu]) to OFFSET, a\n"
			"number or a per-CPU symbol; CPUS is 'a' for all or a list like 0,2-3.\n\n"
			"EXAMPLES\n"
			"  kdive> ptov 56e000\n"
			"  VIRTUAL           PHYSICAL\n"
			"  ffff8c1e8056e000  56e000\n"
			"  kdive> ptov runqueues:a",
		.options = json_only,
		.operand = KD_ARG_ADDR,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = ptov_run,
	},
	{
		.name = "pte",
		.summary = "decode a page-table entry: physical address and flags, or swap entry",
		.operands = "PTE...",
		.help = "Decode each page-table entry value as the dump's machine does: a\n"
			"mapping's physical address and flag names, or for a not-present entry\n"
			"that holds a swap entry its swap type (the index into swap_info; `swap`\n"
			"lists the devices) and offset (in pages).\n\n"
			"EXAMPLES\n"
			"  kdive> pte 8000000013a001e1\n"
			"  PTE               PHYSICAL          FLAGS\n"
			"  8000000013a001e1  0000000013a00000  (PRESENT|ACCESSED|DIRTY|PSE|GLOBAL|NX)",
		.options = json_only,
		.operand = KD_ARG_INT,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = pte_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "misc",
	.version = "1",
	.commands = commands,
};
