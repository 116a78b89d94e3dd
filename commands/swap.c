// SPDX-License-Identifier: GPL-3.0-or-later
// swap: the swap devices in use, as /proc/swaps shows them, in crash's
// layout.  The kernel keeps them in swap_info[] (struct swap_info_struct *,
// nr_swapfiles of them; mm/swapfile.c, include/linux/swap.h); an entry is in
// use when its flags hold SWP_USED.  Size and used are si->pages and
// si->inuse_pages in pages, the type is "partition" when the swap file's
// inode is a block device, and the name is d_path() of si->swap_file.
#include <inttypes.h>
#include <stdio.h>

#include <kdive/fs.h>

#include "kobj.h"

enum { O_JSON, O_NOPT };
static const struct kd_option swap_opts[] = {
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

enum { MAX_SWAPFILES_BOUND = 1024 }; // far above the kernel's MAX_SWAPFILES (32)

static const char *swap_kind(struct kd_session *s, struct ko *r, uint64_t file)
{
	uint64_t inode = ko_get(r, "file", "f_inode", file);
	uint64_t mode = inode ? ko_get(r, "inode", "i_mode", inode) : 0;
	if (r->err)
		return "?";
	(void)s;
	return (mode & 0170000) == 0060000 ? "partition" : "file"; // S_ISBLK
}

static struct kd_error *swap_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	struct ko r = { s, NULL };
	uint64_t arr = ko_sym(&r, "swap_info");
	uint64_t nr = ko_u32(&r, ko_sym(&r, "nr_swapfiles"));
	if (r.err)
		return kd_error_prefix(ko_take(&r), "reading swap_info and nr_swapfiles");
	int64_t used_flag = 1;
	struct kd_error *e = kd_enum_value(s, NULL, "SWP_USED", &used_flag);
	kd_error_destroy(e); // SWP_USED has been 1 << 0 since it exists
	if (nr > MAX_SWAPFILES_BOUND)
		return kd_error_create(KD_ERR_CORRUPT, "nr_swapfiles is %" PRIu64, nr);
	uint64_t kb = kd_page_size(s) / 1024;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "SWAP_INFO_STRUCT  TYPE            SIZE       USED   PCT  PRI  FILENAME\n");
	size_t bad = 0;
	struct kd_error *err = NULL;
	for (uint64_t i = 0; i < nr; i++) {
		if ((err = kd_check_interrupt(s)))
			break;
		uint64_t si = ko_word(&r, arr + i * 8);
		if (!r.err && !si)
			continue;
		uint64_t flags = ko_get(&r, "swap_info_struct", "flags", si);
		if (!r.err && !(flags & (uint64_t)used_flag))
			continue;
		int64_t prio = (int16_t)ko_get(&r, "swap_info_struct", "prio", si);
		uint64_t pages = ko_get(&r, "swap_info_struct", "pages", si);
		uint64_t inuse = ko_get(&r, "swap_info_struct", "inuse_pages", si);
		uint64_t file = ko_get(&r, "swap_info_struct", "swap_file", si);
		const char *kind = file ? swap_kind(s, &r, file) : "?";
		uint64_t mnt = file ? ko_get(&r, "file", "f_path.mnt", file) : 0;
		uint64_t dentry = file ? ko_get(&r, "file", "f_path.dentry", file) : 0;
		if (r.err) {
			kd_warn(s, "swap: swap_info[%" PRIu64 "] at 0x%016" PRIx64 ": %s", i, si, r.err->msg);
			kd_error_destroy(ko_take(&r));
			bad++;
			continue;
		}
		char path[4096] = "?";
		if (file && (e = kd_fs_path(s, mnt, dentry, path, sizeof(path)))) {
			kd_warn(s, "swap: swap_info[%" PRIu64 "] at 0x%016" PRIx64 ": %s", i, si, e->msg);
			kd_error_destroy(e);
			bad++;
		}
		uint64_t pct = pages ? inuse * 100 / pages : 0;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "address", si);
			kd_json_u64(s, "type_index", i);
			kd_json_string(s, "type", kind);
			kd_json_u64(s, "size_kb", pages * kb);
			kd_json_u64(s, "used_kb", inuse * kb);
			kd_json_i64(s, "priority", prio);
			kd_json_string(s, "filename", path);
			kd_json_end_object(s);
		} else {
			char sz[32], us[32], k2[16];
			snprintf(sz, sizeof(sz), "%" PRIu64 "k", pages * kb);
			snprintf(us, sizeof(us), "%" PRIu64 "k", inuse * kb);
			snprintf(k2, sizeof(k2), "%s", kind);
			for (char *c = k2; *c; c++)
				*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			kd_printf(s, "%016" PRIx64 "  %-9s  %9s  %9s  %3" PRIu64 "%%  %3" PRId64 "  %s\n", si, k2, sz, us, pct,
				  prio, path);
		}
	}
	if (json)
		kd_json_end_array(s);
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu swap device(s) unreadable (named above)", bad);
	return err;
}

static const struct kd_command commands[] = {
	{
		.name = "swap",
		.summary = "swap devices in use",
		.help = "List the swap devices in use as /proc/swaps does, read from the kernel's\n"
			"swap_info[] array: the struct swap_info_struct address, the type\n"
			"(PARTITION for a block device, FILE otherwise), size and used space in\n"
			"KiB, the percentage used, the priority and the file name.\n\n"
			"EXAMPLES\n"
			"  kdive> swap\n"
			"  kdive> swap --json",
		.options = swap_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
		.run = swap_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "swap",
	.version = "1",
	.commands = commands,
};
