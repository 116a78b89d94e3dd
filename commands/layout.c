// SPDX-License-Identifier: GPL-3.0-or-later
// layout: the kernel virtual memory map of this dump, like the table in the
// kernel's Documentation/arch/x86/x86_64/mm.rst but with the dump's real
// (KASLR-shifted) bases, plus the physical memory the dump holds.  --svg
// draws the same as a picture, each band's height proportional to the log
// of its size, so 4 KiB and 16 EiB fit on one page.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/module.h>

enum { O_SVG, O_JSON, O_NOPT };

static const struct kd_option layout_opts[] = {
	[O_SVG] = { "svg", KD_ARG_FILE, "FILE", "also draw the map as an SVG picture into FILE" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// A region or hole, for printing.
struct band {
	const char *name, *desc, *base;
	uint64_t start, last;
	bool hole;
};

static const char *human(uint64_t start, uint64_t last, char *buf, size_t len)
{
	// size = last - start + 1, computed in floating point so 2^64 fits.
	return kd_format_size(buf, len, (double)(last - start) + 1.0, 0, " ", true);
}

// The regions with the gaps between them filled in as holes.
static size_t bands(struct kd_session *s, struct band *out, size_t max)
{
	const struct kd_vm_region *r;
	size_t n = kd_vm_regions(s, &r), k = 0;
	uint64_t next = 0;
	bool first = true;
	for (size_t i = 0; i < n && k + 2 < max; i++) {
		if ((first && r[i].start > 0) || (!first && r[i].start > next))
			out[k++] = (struct band){ "", "... unused hole", "", first ? 0 : next, r[i].start - 1, true };
		out[k++] = (struct band){ r[i].name, r[i].desc, r[i].base, r[i].start, r[i].last, r[i].hole };
		first = false;
		next = r[i].last + 1;
		if (next == 0)
			break;
	}
	return k;
}

static void svg_text(FILE *f, double x, double y, const char *anchor, int size, const char *color,
		     const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-family=\"monospace\" font-size=\"%d\" fill=\"%s\" "
		   "text-anchor=\"%s\">", x, y, size, color, anchor);
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		default: fputc(*p, f);
		}
	}
	fputs("</text>\n", f);
}

static const char *band_color(const struct band *b)
{
	if (b->hole)
		return "#eeeeee";
	static const struct {
		const char *name, *color;
	} colors[] = {
		{ "user", "#9ecae1" },    { "direct map", "#a1d99b" }, { "vmalloc", "#fdae6b" },
		{ "vmemmap", "#bcbddc" }, { "kernel text", "#fb6a4a" }, { "modules", "#fc9272" },
		{ "fixmap", "#d9d9d9" },  { "cpu_entry_area", "#c7e9c0" },
	};
	for (size_t i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
		if (strcmp(b->name, colors[i].name) == 0)
			return colors[i].color;
	return "#fdd0a2";
}

static struct kd_error *write_svg(struct kd_session *s, const char *path, const struct band *b, size_t n,
				  const struct kd_vm_info *info)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return kd_error_os(errno, "cannot create '%s'", path);
	// Heights: 6 px per doubling of the size (log2), at least 14 px.
	double y0 = 70, total = 0, h[64];
	size_t nb = n < 64 ? n : 64;
	for (size_t i = 0; i < nb; i++) {
		double sz = (double)(b[i].last - b[i].start) + 1.0;
		h[i] = log2(sz) * 6.0;
		if (h[i] < 14)
			h[i] = 14;
		total += h[i];
	}
	size_t np = kd_phys_range_count(s);
	double ph = 0;
	for (size_t i = 0; i < np; i++) {
		const struct kd_phys_range *r = kd_phys_range_get(s, i);
		double v = log2((double)r->size + 1.0) * 6.0;
		ph += (v < 14 ? 14 : v) + 30;
	}
	double height = y0 + (total > ph ? total : ph) + 40;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1100\" height=\"%.0f\" "
		   "viewBox=\"0 0 1100 %.0f\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		height, height);
	char title[160], buf[160], sz[32];
	snprintf(title, sizeof(title), "%s kernel virtual memory (%u-level paging, KERNELOFFSET %" PRIx64 ")",
		 info->arch, info->levels, info->kernel_offset);
	svg_text(f, 20, 28, "start", 18, "black", title);
	svg_text(f, 20, 50, "start", 12, "#555555",
		 "band heights are proportional to log2(size); top = highest address");
	// Highest address at the top, as mm.rst reads from low to high downwards
	// but pictures of memory usually grow upwards.
	double y = y0;
	for (size_t j = 0; j < nb; j++) {
		size_t i = nb - 1 - j;
		fprintf(f, "<rect x=\"20\" y=\"%.1f\" width=\"220\" height=\"%.1f\" fill=\"%s\" "
			   "stroke=\"#333333\" stroke-width=\"0.5\"/>\n", y, h[i], band_color(&b[i]));
		svg_text(f, 130, y + h[i] / 2 + 4, "middle", 11, "black", b[i].hole ? "" : b[i].name);
		snprintf(buf, sizeof(buf), "%016" PRIx64 "-%016" PRIx64 "  %s  %s", b[i].start, b[i].last,
			 human(b[i].start, b[i].last, sz, sizeof(sz)), b[i].desc);
		svg_text(f, 250, y + h[i] / 2 + 4, "start", 10, b[i].hole ? "#888888" : "black", buf);
		y += h[i];
	}
	svg_text(f, 850, y0 - 10, "start", 14, "black", "physical memory in the dump");
	y = y0;
	for (size_t i = np; i-- > 0;) {
		const struct kd_phys_range *r = kd_phys_range_get(s, i);
		double v = log2((double)r->size + 1.0) * 6.0;
		if (v < 14)
			v = 14;
		fprintf(f, "<rect x=\"850\" y=\"%.1f\" width=\"120\" height=\"%.1f\" fill=\"#a1d99b\" "
			   "stroke=\"#333333\" stroke-width=\"0.5\"/>\n", y, v);
		snprintf(buf, sizeof(buf), "%" PRIx64 "-%" PRIx64, r->start, r->start + r->size - 1);
		svg_text(f, 850, y + v + 12, "start", 10, "black", buf);
		svg_text(f, 910, y + v / 2 + 4, "middle", 11, "black",
			 human(r->start, r->start + r->size - 1, sz, sizeof(sz)));
		y += v + 30;
	}
	fputs("</svg>\n", f);
	if (fclose(f) != 0)
		return kd_error_os(errno, "writing '%s'", path);
	return NULL;
}

static struct kd_error *layout_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	struct kd_vm_info info;
	kd_vm_info_get(s, &info);
	if (!info.arch && !kd_arch_info_get(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no page-table walker for %s dumps", kd_dump_machine_name(s));
	if (!info.arch)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no address translation for this dump (see the warning at start-up)");
	struct band b[64];
	size_t n = bands(s, b, 64);
	char sz[32];
	const char *src = info.bases_source ? info.bases_source : "not found";
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "arch", info.arch);
		kd_json_u64(s, "levels", info.levels);
		kd_json_u64(s, "va_bits", info.va_bits);
		kd_json_hex(s, "kernel_offset", info.kernel_offset);
		kd_json_hex(s, "phys_base", info.phys_base);
		kd_json_hex(s, "kernel_root", info.kernel_root);
		kd_json_string(s, "bases_source", src);
		kd_json_begin_object(s, "page_table_bases");
		kd_json_hex(s, "page_offset_base", info.pt_page_offset);
		kd_json_hex(s, "vmalloc_base", info.pt_vmalloc_base);
		kd_json_hex(s, "vmemmap_base", info.pt_vmemmap_base);
		kd_json_end_object(s);
		kd_json_begin_array(s, "regions");
		for (size_t i = 0; i < n; i++) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", b[i].hole && !b[i].name[0] ? "hole" : b[i].name);
			kd_json_string(s, "desc", b[i].desc);
			kd_json_hex(s, "start", b[i].start);
			kd_json_hex(s, "last", b[i].last);
			kd_json_string(s, "base", b[i].base);
			kd_json_bool(s, "hole", b[i].hole);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_begin_array(s, "physical");
		for (size_t i = 0; i < kd_phys_range_count(s); i++) {
			const struct kd_phys_range *r = kd_phys_range_get(s, i);
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "start", r->start);
			kd_json_hex(s, "last", r->start + r->size - 1);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "KERNEL VIRTUAL MEMORY MAP (%s, %u-level paging, %u-bit virtual addresses)\n",
			  info.arch, info.levels, info.va_bits);
		kd_printf(s, "  KERNELOFFSET %" PRIx64 ", phys_base %s%" PRIx64 "; direct map, vmalloc and vmemmap"
			     " bases from: %s\n\n",
			  info.kernel_offset, (int64_t)info.phys_base < 0 ? "-" : "",
			  (int64_t)info.phys_base < 0 ? -info.phys_base : info.phys_base, src);
		kd_printf(s, "%-16s   %-16s  %8s  %-15s %s\n", "START", "LAST", "SIZE", "REGION", "DESCRIPTION");
		for (size_t i = 0; i < n; i++)
			kd_printf(s, "%016" PRIx64 " - %016" PRIx64 "  %8s  %-15s %s\n", b[i].start, b[i].last,
				  human(b[i].start, b[i].last, sz, sizeof(sz)), b[i].name, b[i].desc);
		kd_printf(s, "\nPHYSICAL MEMORY IN THE DUMP\n");
		kd_printf(s, "%-16s   %-16s  %8s\n", "START", "LAST", "SIZE");
		for (size_t i = 0; i < kd_phys_range_count(s); i++) {
			const struct kd_phys_range *r = kd_phys_range_get(s, i);
			kd_printf(s, "%016" PRIx64 " - %016" PRIx64 "  %8s\n", r->start, r->start + r->size - 1,
				  human(r->start, r->start + r->size - 1, sz, sizeof(sz)));
		}
	}
	if (v[O_SVG].count)
		err = write_svg(s, v[O_SVG].arg, b, n, &info);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "layout",
	.summary = "the kernel virtual memory map of this dump, and its physical memory",
	.help = "Print the kernel's virtual memory map the way the kernel documents it\n"
		"(Documentation/arch/x86/x86_64/mm.rst), but with this dump's real bases:\n"
		"with KASLR the direct map (page_offset_base), vmalloc (vmalloc_base) and\n"
		"the struct page array (vmemmap_base) move at every boot, and the kernel\n"
		"text moves by KERNELOFFSET.  The bases come from the symbol table when it\n"
		"has the three variables, else from the page tables (the direct map is the\n"
		"lowest 1 GiB-aligned kernel address mapping physical 0; vmalloc and vmemmap\n"
		"start in the first mapped gigabyte after the previous region); the header\n"
		"says which.  Then the physical memory ranges the dump holds.\n\n"
		"--svg FILE draws the map, each band's height proportional to log2 of its\n"
		"size.\n\n"
		"EXAMPLES\n"
		"  kdive> layout\n"
		"  kdive> layout --svg map.svg\n"
		"  kdive> layout --json | jq -r '.regions[] | select(.name == \"vmalloc\") | .start'",
	.options = layout_opts,
	.operand = KD_ARG_NONE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS,
	.run = layout_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "layout",
	.version = "1",
	.commands = commands,
};
