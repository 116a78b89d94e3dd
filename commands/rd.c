// SPDX-License-Identifier: GPL-3.0-or-later
// rd: read memory, in crash's layout: address, then 16 bytes per line as
// 8/16/32/64-bit values, then the ASCII translation.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>

enum { O_P, O_8, O_16, O_32, O_64, O_A, O_X, O_D, O_UD, O_NOPT };

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
	[O_NOPT] = { NULL },
};

static const struct kd_command commands[2];
#define rd_cmd commands[0]

static uint64_t get_val(const unsigned char *p, unsigned size)
{
	switch (size) {
	case 1: return p[0];
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static int64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned bits = size * 8;
	if (bits == 64)
		return (int64_t)v;
	uint64_t m = 1ull << (bits - 1);
	return (int64_t)((v ^ m) - m);
}

// rd -a: a string, 60 characters a line as crash prints it.
static struct kd_error *rd_string(struct kd_session *s, uint64_t addr, uint64_t count, bool have_count)
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
			err = kd_read_phys(s, addr + done + got, buf + got, 1);
			if (err)
				break;
			if (!have_count && buf[got] == '\0')
				break;
		}
		if (got) {
			if (json) {
				fwrite(buf, 1, got, mem);
			} else {
				kd_printf(s, "%8" PRIx64 ":  ", addr + done);
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

static struct kd_error *rd_run(struct kd_session *s, int argc, char **argv)
{
	struct kd_optval v[O_NOPT];
	int nargs;
	struct kd_error *err = kd_parse_options(&rd_cmd, argc, argv, v, &nargs);
	if (err)
		return err;
	if (nargs < 1 || nargs > 2)
		return kd_error_create(KD_ERR_USAGE, "expected an address and an optional count");
	if (!v[O_P].count)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "virtual addresses need page-table translation, which is not available yet; use -p for a physical address");
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
	if (v[O_A].count)
		return rd_string(s, addr, count, nargs == 2);

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
	if (count > (UINT64_MAX - addr) / size)
		return kd_error_create(KD_ERR_USAGE, "count %" PRIu64 " runs past the end of the address space", count);
	bool dec = v[O_D].count || v[O_UD].count;
	bool sign = v[O_D].count;
	bool ascii = !v[O_X].count && !dec;
	unsigned per_line = 16 / size;
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", addr);
		kd_json_bool(s, "physical", true);
		kd_json_u64(s, "unit", size);
		kd_json_begin_array(s, "values");
	}
	static const int hexw[] = { [1] = 2, [2] = 4, [4] = 8, [8] = 16 };
	static const int decw[] = { [1] = 4, [2] = 6, [4] = 11, [8] = 20 };
	unsigned char line[16];
	for (uint64_t i = 0; i < count && !err; i += per_line) {
		err = kd_check_interrupt(s);
		if (err)
			break;
		uint64_t left = count - i;
		unsigned n = left < per_line ? (unsigned)left : per_line;
		uint64_t a = addr + i * size;
		err = kd_read_phys(s, a, line, (size_t)n * size);
		if (err)
			break;
		if (json) {
			for (unsigned k = 0; k < n; k++) {
				uint64_t val = get_val(line + k * size, size);
				if (sign)
					kd_json_i64(s, NULL, sign_extend(val, size));
				else if (dec)
					kd_json_u64(s, NULL, val);
				else
					kd_json_hex(s, NULL, val);
			}
			continue;
		}
		kd_printf(s, "%8" PRIx64 ":  ", a);
		for (unsigned k = 0; k < per_line; k++) {
			if (k >= n) {
				if (ascii)
					kd_printf(s, "%*s ", hexw[size], "");
				continue;
			}
			uint64_t val = get_val(line + k * size, size);
			if (sign)
				kd_printf(s, "%*" PRId64 " ", decw[size], sign_extend(val, size));
			else if (dec)
				kd_printf(s, "%*" PRIu64 " ", decw[size], val);
			else
				kd_printf(s, "%0*" PRIx64 " ", hexw[size], val);
		}
		if (ascii) {
			kd_printf(s, "  ");
			for (unsigned k = 0; k < n * size; k++)
				kd_printf(s, "%c", line[k] >= 0x20 && line[k] < 0x7f ? line[k] : '.');
		}
		kd_printf(s, "\n");
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "rd",
	.summary = "read memory",
	.synopsis = "-p [-8|-16|-32|-64] [-a] [-x] [-d|-D] address [count]",
	.help = "Display memory at an address: count values (default 1) of the chosen\n"
		"size, 16 bytes a line with the ASCII translation, as crash does.  The\n"
		"address is hexadecimal (0x optional); count is decimal.  With -p the\n"
		"address is physical.  A page missing from the dump stops the output with\n"
		"an error naming its address.\n\n"
		"EXAMPLES\n"
		"  kdive> rd -p 0x1000 4\n"
		"      1000:  0000000000000000 0000000000000000   ................\n"
		"      1010:  0000000000000000 0000000000000000   ................\n"
		"  kdive> rd -p -32 1000 8\n"
		"  kdive> rd -p -a 0x1c00000\n"
		"  kdive> rd -p 0x1000 512 --json",
	.options = rd_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_JSON | KD_CMD_NEEDS_DUMP,
	.run = rd_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "rd",
	.version = "1",
	.commands = commands,
};
