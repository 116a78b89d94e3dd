// SPDX-License-Identifier: GPL-3.0-or-later
// rd: read memory, in crash's layout: address, then 16 bytes per line as
// 8/16/32/64-bit values, then the ASCII translation.  Addresses are kernel
// virtual by default, physical with -p, user virtual with -u --pgd ROOT.
// -s shows each word that is a kernel (or module) address as symbol+offset
// (crash's rd -s; the symbols are loaded on that path only).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>

enum { O_P, O_8, O_16, O_32, O_64, O_A, O_X, O_D, O_UD, O_S, O_U, O_PGD, O_JSON, O_NOPT };

static const struct kd_option rd_opts[] = {
	[O_P] = { "p", KD_ARG_NONE, NULL, "the address is physical" },
	[O_8] = { "8", KD_ARG_NONE, NULL, "8-bit values" },
	[O_16] = { "16", KD_ARG_NONE, NULL, "16-bit values" },
	[O_32] = { "32", KD_ARG_NONE, NULL, "32-bit values" },
	[O_64] = { "64", KD_ARG_NONE, NULL, "64-bit values (the default)" },
	[O_A] = { "a", KD_ARG_NONE, NULL, "ASCII string; without count, stop at the first NUL" },
	[O_X] = { "x", KD_ARG_NONE, NULL, "no ASCII translation" },
	[O_D] = { "d", KD_ARG_NONE, NULL, "signed decimal" },
	[O_UD] = { "D", KD_ARG_NONE, NULL, "unsigned decimal" },
	[O_S] = { "s", KD_ARG_NONE, NULL, "symbolic: words that are kernel addresses as symbol+offset" },
	[O_U] = { "u", KD_ARG_NONE, NULL, "user virtual address in the current context (set PID) or --pgd" },
	[O_PGD] = { "pgd", KD_ARG_ADDR, "PADDR", "-u: the process's page-table root (physical, or CR3)" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// Where the address lives: physical, kernel virtual or a process's.
struct space {
	bool phys;
	struct kd_as as;
};

static struct kd_error *rd_read(struct kd_session *s, const struct space *sp, uint64_t addr, void *buf,
				size_t len)
{
	if (sp->phys)
		return kd_read_phys(s, addr, buf, len);
	return kd_read_virt(s, &sp->as, addr, buf, len);
}

// A value of size bytes in the dump's byte order (a big-endian dump's
// values are not the host's).
static uint64_t get_val(const struct kd_session *s, const unsigned char *p, unsigned size)
{
	return kd_dump_uint(s, p, size);
}

static int64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned bits = size * 8;
	if (bits == 64)
		return (int64_t)v;
	uint64_t m = 1ull << (bits - 1);
	return (int64_t)((v ^ m) - m);
}

static const char hexdig[] = "0123456789abcdef";

// v as exactly w lower-case hex digits (zero-padded) at p; returns the end.
static char *put_hex(char *p, uint64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--, v >>= 4)
		p[i] = hexdig[v & 15];
	return p + w;
}

// v in hex right-aligned in w columns (space-padded, as "%*" PRIx64).
static char *put_hex_right(char *p, uint64_t v, int w)
{
	char tmp[16];
	int n = 0;
	do {
		tmp[15 - n++] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	for (int i = n; i < w; i++)
		*p++ = ' ';
	memcpy(p, tmp + 16 - n, (size_t)n);
	return p + n;
}

// rd -a: a string, 60 characters a line as crash prints it.
static struct kd_error *rd_string(struct kd_session *s, const struct space *sp, uint64_t addr,
				  uint64_t count, bool have_count)
{
	uint64_t max = have_count ? count : 4096;
	unsigned char buf[60];
	uint64_t done = 0;
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", addr);
	}
	char *acc = NULL;
	size_t acclen = 0;
	FILE *mem = json ? open_memstream(&acc, &acclen) : NULL;
	struct kd_error *err = NULL;
	while (done < max) {
		size_t n = max - done < sizeof(buf) ? (size_t)(max - done) : sizeof(buf);
		// Read a byte at a time past a page edge so a string ending just
		// before an unreadable page still prints.
		size_t got = 0;
		for (; got < n; got++) {
			err = rd_read(s, sp, addr + done + got, buf + got, 1);
			if (err)
				break;
			if (!have_count && buf[got] == '\0')
				break;
		}
		if (got) {
			if (json) {
				fwrite(buf, 1, got, mem);
			} else {
				kd_printf(s, sp->phys ? "%8" PRIx64 ":  " : "%16" PRIx64 ":  ", addr + done);
				for (size_t i = 0; i < got; i++)
					kd_printf(s, "%c", buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
				kd_printf(s, "\n");
			}
		}
		done += got;
		if (err || got < n)
			break;
	}
	if (json) {
		fclose(mem);
		kd_json_string_n(s, "string", acc ? acc : "", acclen);
		kd_json_end_object(s);
		free(acc);
	}
	return err;
}

// The unreadable ranges of one rd: each named once on stderr when it ends.
struct bad {
	struct kd_session *s;
	bool open;              // a range is open
	uint64_t start;
	struct kd_error *why;   // the open range's reason
	unsigned ranges;        // closed ones (named)
};

static void bad_end(struct bad *b, uint64_t end)
{
	if (!b->open)
		return;
	kd_warn(b->s, "rd: 0x%" PRIx64 "-0x%" PRIx64 " unreadable: %s", b->start, end - 1, b->why->msg);
	kd_error_destroy(b->why);
	b->why = NULL;
	b->open = false;
	b->ranges++;
}

static void bad_at(struct bad *b, uint64_t a, struct kd_error *why)
{
	if (b->open) {
		kd_error_destroy(why);
		return;
	}
	b->open = true;
	b->start = a;
	b->why = why;
}

// Read n values of size bytes at a into line: the whole line at once, else
// value by value; have[k] says which were read.  Returns how many.
static unsigned read_line(struct kd_session *s, const struct space *sp, uint64_t a, unsigned char *line,
			  bool *have, unsigned n, unsigned size, struct bad *b)
{
	struct kd_error *err = rd_read(s, sp, a, line, (size_t)n * size);
	if (!err) {
		memset(have, 1, n * sizeof(*have));
		bad_end(b, a);
		return n;
	}
	kd_error_destroy(err);
	unsigned got = 0;
	for (unsigned k = 0; k < n; k++) {
		uint64_t at = a + (uint64_t)k * size;
		err = rd_read(s, sp, at, line + k * size, size);
		have[k] = !err;
		if (err) {
			memset(line + k * size, 0, size);
			bad_at(b, at, err);
		} else {
			bad_end(b, at);
			got++;
		}
	}
	return got;
}

// rd -s: the symbol+offset (decimal, as crash prints it) a word points
// into, or false.  Absolute symbols (per-cpu offsets, constants) never name
// a word.
static bool sym_name(struct kd_session *s, uint64_t val, char *buf, size_t size)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_error *err = kd_symbol_at(s, val, &sym, &off);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	if (kd_symbol_is_absolute(&sym))
		return false;
	if (off)
		snprintf(buf, size, "%s+%" PRIu64, sym.name, off);
	else
		snprintf(buf, size, "%s", sym.name);
	return true;
}

static struct kd_error *rd_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs < 1 || nargs > 2)
		return kd_error_create(KD_ERR_USAGE, "expected an address and an optional count");
	struct space sp = { .phys = v[O_P].count > 0, .as = { .kind = KD_AS_KERNEL } };
	if (v[O_P].count && (v[O_U].count || v[O_PGD].count))
		return kd_error_create(KD_ERR_USAGE, "-p and -u exclude each other");
	if (v[O_PGD].count && !v[O_U].count)
		return kd_error_create(KD_ERR_USAGE, "--pgd goes with -u");
	if (v[O_U].count) {
		if (v[O_PGD].count) {
			err = kd_parse_address(s, v[O_PGD].arg, &sp.as.pgd);
			if (err)
				return err;
			sp.as.kind = KD_AS_USER;
		} else {
			// The current context's process (set PID).
			uint64_t task;
			if (!kd_context_get(s, &task, &sp.as))
				return kd_error_create(KD_ERR_USAGE,
						       "-u: no current context; choose a process with 'set PID' or give --pgd PADDR");
			if (sp.as.kind != KD_AS_USER)
				return kd_error_create(KD_ERR_USAGE,
						       "-u: the current context (task 0x%" PRIx64 ") is a kernel thread without user memory",
						       task);
		}
	}
	uint64_t addr, count = 1;
	err = kd_parse_address(s, argv[1], &addr);
	if (err)
		return err;
	if (nargs == 2) {
		err = kd_parse_u64(argv[2], false, &count);
		if (err)
			return err;
		if (count == 0)
			return kd_error_create(KD_ERR_USAGE, "count must be at least 1");
	}
	if (v[O_A].count && v[O_S].count)
		return kd_error_create(KD_ERR_USAGE, "-a and -s exclude each other");
	if (v[O_A].count)
		return rd_string(s, &sp, addr, count, nargs == 2);
	bool symbolic = v[O_S].count > 0;
	if (symbolic) {
		if (v[O_8].count || v[O_16].count || v[O_32].count || v[O_D].count || v[O_UD].count)
			return kd_error_create(KD_ERR_USAGE, "-s shows 64-bit words: no -8/-16/-32/-d/-D");
		// A point of use: the symbols (and the modules', for their
		// addresses) only for -s.
		if ((err = kd_symbols_load(s)))
			return kd_error_prefix(err, "-s");
		kd_error_destroy(kd_kmodules_load(s));
	}

	unsigned size = 8;
	int nsize = 0;
	if (v[O_8].count) size = 1, nsize++;
	if (v[O_16].count) size = 2, nsize++;
	if (v[O_32].count) size = 4, nsize++;
	if (v[O_64].count) size = 8, nsize++;
	if (nsize > 1)
		return kd_error_create(KD_ERR_USAGE, "give only one of -8, -16, -32, -64");
	if (addr & (size - 1))
		return kd_error_create(KD_ERR_USAGE, "address 0x%" PRIx64 " is not aligned to %u bytes",
				       addr, size);
	// The last item ends at addr + count * size - 1, which may be the very
	// top of the address space (addr is aligned, so the subtraction holds).
	if (count && count - 1 > (UINT64_MAX - addr - (size - 1)) / size)
		return kd_error_create(KD_ERR_USAGE, "count %" PRIu64 " runs past the end of the address space", count);
	bool dec = v[O_D].count || v[O_UD].count;
	bool sign = v[O_D].count;
	bool ascii = !v[O_X].count && !dec && !symbolic;
	unsigned per_line = 16 / size;
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", addr);
		kd_json_bool(s, "physical", sp.phys);
		kd_json_string(s, "address_space", sp.phys ? "physical" : sp.as.kind == KD_AS_USER ? "user" : "kernel");
		kd_json_u64(s, "unit", size);
		kd_json_begin_array(s, "values");
	}
	static const int hexw[] = { [1] = 2, [2] = 4, [4] = 8, [8] = 16 };
	static const int decw[] = { [1] = 4, [2] = 6, [4] = 11, [8] = 20 };
	unsigned char line[16];
	bool have[16];
	FILE *out = kd_out(s);
	struct bad bad = { .s = s };
	uint64_t psz = kd_page_size(s);
	if (!psz)
		psz = 4096;
	for (uint64_t i = 0; i < count && !err; i += per_line) {
		err = kd_check_interrupt(s);
		if (err)
			break;
		uint64_t left = count - i;
		unsigned n = left < per_line ? (unsigned)left : per_line;
		uint64_t a = addr + i * size;
		unsigned got = read_line(s, &sp, a, line, have, n, size, &bad);
		if (!got) {
			// The whole line is in an unreadable page (dumps and page
			// tables fail a page at a time): skip to the line holding the
			// next page's start.
			uint64_t pb = (a | (psz - 1)) + 1, next = pb > a ? (pb - addr) / size : count;
			next -= next % per_line;
			if (next > i + per_line)
				i = next - per_line;
			continue;
		}
		if (json) {
			for (unsigned k = 0; k < n; k++) {
				uint64_t val = get_val(s, line + k * size, size);
				char sb[256];
				if (have[k] && symbolic && sym_name(s, val, sb, sizeof(sb))) {
					kd_json_begin_object(s, NULL);
					kd_json_hex(s, "value", val);
					kd_json_string(s, "symbol", sb);
					kd_json_end_object(s);
				} else if (!have[k])
					kd_json_null(s, NULL);
				else if (sign)
					kd_json_i64(s, NULL, sign_extend(val, size));
				else if (dec)
					kd_json_u64(s, NULL, val);
				else
					kd_json_hex(s, NULL, val);
			}
			continue;
		}
		// One line is formatted here by hand and written at once: a printf
		// per value made rd of 64 MiB take seconds.
		char text[800], *p = put_hex_right(text, a, sp.phys ? 8 : 16);
		*p++ = ':';
		*p++ = ' ';
		*p++ = ' ';
		for (unsigned k = 0; k < per_line; k++) {
			if (k >= n || !have[k]) {
				if (k < n || ascii) {
					int w = dec ? decw[size] : hexw[size];
					memset(p, k < n ? '?' : ' ', (size_t)w);
					if (k < n && dec)
						memset(p, ' ', (size_t)w - 1);
					p += w;
					*p++ = ' ';
				}
				continue;
			}
			uint64_t val = get_val(s, line + k * size, size);
			char sb[256];
			if (symbolic && sym_name(s, val, sb, sizeof(sb))) {
				// crash pads a symbol to a word's width; longer ones push on.
				p += sprintf(p, "%-16s ", sb);
				continue;
			}
			if (sign)
				p += sprintf(p, "%*" PRId64, decw[size], sign_extend(val, size));
			else if (dec)
				p += sprintf(p, "%*" PRIu64, decw[size], val);
			else
				p = put_hex(p, val, hexw[size]);
			*p++ = ' ';
		}
		if (ascii) {
			*p++ = ' ';
			*p++ = ' ';
			for (unsigned k = 0; k < n * size; k++)
				*p++ = !have[k / size] ? '?' : line[k] >= 0x20 && line[k] < 0x7f ? (char)line[k] : '.';
		}
		*p++ = '\n';
		fwrite(text, 1, (size_t)(p - text), out);
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	// The range the read ends in is named by the command's error (the
	// read's own message, which names its first address); the ranges
	// before it were named as warnings.
	if (!err && bad.open) {
		err = bad.why;
		bad.why = NULL;
	} else if (!err && bad.ranges) {
		err = kd_error_create(KD_ERR_NODATA, "%u unreadable range(s) (named above)", bad.ranges);
	}
	kd_error_destroy(bad.why);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "rd",
	.summary = "read memory",
	.synopsis = "[-p | -u [--pgd PADDR]] [-8|-16|-32|-64] [-a] [-x] [-d|-D] [-s] address [count]",
	.help = "Display memory at an address: count values (default 1) of the chosen\n"
		"size, 16 bytes a line with the ASCII translation, as crash does.  The\n"
		"address is hexadecimal (0x optional); count is decimal.  The address is\n"
		"kernel virtual (translated through the kernel's page tables); with -p it\n"
		"is physical; with -u it is a user address of the current context's process\n"
		"(set PID), as in crash, or of the process whose page-table root --pgd gives\n"
		"(a physical address or CR3 value; vtop --roots finds the roots).  Every\n"
		"readable line is printed ('?' for values that could not be read, null in\n"
		"--json); each unreadable range is named once, with why (unmapped: where\n"
		"the page-table walk stopped; missing from the dump: its physical address):\n"
		"those followed by readable memory on stderr as warnings, the one the read\n"
		"ends in as rd's error.  rd fails when anything could not be read.\n"
		"-s (symbolic) shows each 64-bit word that points into the kernel or a\n"
		"module as symbol+offset (decimal offset, as crash), without the ASCII.\n\n"
		"EXAMPLES\n"
		"  kdive> rd -p 0x1000 4\n"
		"      1000:  0000000000000000 0000000000000000   ................\n"
		"      1010:  0000000000000000 0000000000000000   ................\n"
		"  kdive> rd -p -32 1000 8\n"
		"  kdive> rd -p -a 0x1c00000\n"
		"  kdive> rd -p 0x1000 512 --json\n"
		"  kdive> rd -a linux_banner\n"
		"  kdive> rd -s init_task 8\n"
		"  kdive> rd -u --pgd 1fd9c000 7ffd12340000 4",
	.options = rd_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP,
	.run = rd_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "rd",
	.version = "1",
	.commands = commands,
};
