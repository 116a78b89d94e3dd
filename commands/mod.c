// SPDX-License-Identifier: GPL-3.0-or-later
// mod: the kernel's loaded modules in crash's layout (MODULE NAME BASE SIZE
// OBJECT FILE) from the core's walk of the `modules` list (<kdive/symbols.h>),
// with what /proc/modules shows besides (kernel/module/procfs.c m_show: the
// size of every layout, the reference count, the state) and each module's
// GNU build ID from the notes it keeps for sysfs (struct module_notes_attrs,
// kernel/module/sysfs.c).  -t lists the modules' taint flags, lettered by the
// kernel's own taint_flags[] table (kernel/panic.c).  Every layout is BTF's.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum { MD_T, MD_JSON, MD_NOPT };
static const struct kd_option mod_opts[] = {
	[MD_T] = { "t", KD_ARG_NONE, NULL, "show the taint flags of the tainted modules" },
	[MD_JSON] = KD_OPTION_JSON,
	[MD_NOPT] = { NULL },
};

enum { MAX_TAINTS = 64, MAX_NOTES = 64, BUILD_ID_MAX = 64 };

// What mod reads of a module besides the core's record.
struct modinfo {
	uint64_t size;          // all layouts, as /proc/modules
	int64_t refcount;       // -1 when the kernel has no refcnt
	bool have_refcount;
	const char *state;      // "Live", "Loading", "Unloading", "Unformed", or NULL
	uint64_t taints;
	char build_id[2 * BUILD_ID_MAX + 1];
	const char *incomplete;
};

static bool ok(struct kd_error *err)
{
	bool r = !err;
	kd_error_destroy(err);
	return r;
}

// /proc/modules' size: every module_layout the kernel has (core, init and,
// where modules keep data apart, data) or, from 6.4, every mem[] region.
static bool module_size(struct kd_session *s, uint64_t mod, uint64_t *ret)
{
	struct kd_member_info m;
	*ret = 0;
	if (ok(kd_type_member(s, "module", "mem", &m)) && m.nelems) {
		uint64_t each = m.size / m.nelems;
		struct kd_member_info sz;
		if (!ok(kd_type_member(s, "module_memory", "size", &sz)))
			return false;
		for (uint64_t i = 0; i < m.nelems; i++) {
			uint64_t v;
			if (!ok(kd_read_member_u64(s, "module_memory", "size", mod + m.offset + i * each, &v)))
				return false;
			*ret += v;
		}
		return true;
	}
	static const char *const layouts[] = { "core_layout.size", "init_layout.size", "data_layout.size" };
	bool any = false;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		uint64_t v;
		if (!ok(kd_type_member(s, "module", layouts[i], &m)))
			continue;
		if (!ok(kd_read_member_u64(s, "module", layouts[i], mod, &v)))
			return false;
		*ret += v;
		any = true;
	}
	return any;
}

static const char *state_name(struct kd_session *s, uint64_t mod)
{
	struct kd_member_info m;
	uint64_t v;
	if (!ok(kd_type_member(s, "module", "state", &m)) || !ok(kd_read_member_u64(s, "module", "state", mod, &v)))
		return NULL;
	const char *n = kd_enum_name(s, kd_type_strip(s, m.type), (int64_t)v);
	if (!n)
		return NULL;
	// /proc/modules' words for enum module_state.
	if (strcmp(n, "MODULE_STATE_LIVE") == 0)
		return "Live";
	if (strcmp(n, "MODULE_STATE_COMING") == 0)
		return "Loading";
	if (strcmp(n, "MODULE_STATE_GOING") == 0)
		return "Unloading";
	if (strcmp(n, "MODULE_STATE_UNFORMED") == 0)
		return "Unformed";
	return NULL;
}

// The GNU build ID among the notes the module keeps for
// /sys/module/NAME/notes: each a bin_attribute whose private points at the
// note (Elf64_Nhdr, "GNU\0", the ID).
static void build_id(struct kd_session *s, uint64_t mod, char *out, size_t outsize)
{
	uint64_t na, n;
	struct kd_member_info attrs, battr;
	out[0] = '\0';
	if (!ok(kd_read_member_u64(s, "module", "notes_attrs", mod, &na)) || !na ||
	    !ok(kd_read_member_u64(s, "module_notes_attrs", "notes", na, &n)) ||
	    !ok(kd_type_member(s, "module_notes_attrs", "attrs", &attrs)) ||
	    !ok(kd_type_member(s, "bin_attribute", "private", &battr)))
		return;
	uint64_t bsize;
	if (!ok(kd_type_size(s, "bin_attribute", &bsize)))
		return;
	for (uint64_t i = 0; i < n && i < MAX_NOTES; i++) {
		uint64_t a = na + attrs.offset + i * bsize, name, priv, size;
		char nm[32] = "";
		if (!ok(kd_read_member_u64(s, "bin_attribute", "attr.name", a, &name)) ||
		    !ok(kd_read_member_u64(s, "bin_attribute", "private", a, &priv)) ||
		    !ok(kd_read_member_u64(s, "bin_attribute", "size", a, &size)) ||
		    !ok(kd_read_kernel(s, name, nm, sizeof(nm) - 1)))
			continue;
		nm[sizeof(nm) - 1] = '\0';
		if (strcmp(nm, ".note.gnu.build-id") != 0 || size < 16 || size > 16 + BUILD_ID_MAX)
			continue;
		unsigned char note[16 + BUILD_ID_MAX];
		if (!ok(kd_read_kernel(s, priv, note, (size_t)size)))
			return;
		uint32_t namesz = kd_dump_u32(s, note), descsz = kd_dump_u32(s, note + 4);
		uint32_t type = kd_dump_u32(s, note + 8);
		// NT_GNU_BUILD_ID (3), owner "GNU".
		if (type != 3 || namesz != 4 || memcmp(note + 12, "GNU", 4) != 0 || descsz > size - 16 ||
		    2 * descsz + 1 > outsize)
			return;
		for (uint32_t k = 0; k < descsz; k++)
			snprintf(out + 2 * k, 3, "%02x", note[16 + k]);
		return;
	}
}

static void read_info(struct kd_session *s, const struct kd_kmodule *km, struct modinfo *mi)
{
	memset(mi, 0, sizeof(*mi));
	if (!module_size(s, km->address, &mi->size))
		mi->incomplete = "its layout sizes";
	struct kd_member_info m;
	uint64_t v;
	if (ok(kd_type_member(s, "module", "refcnt", &m))) {
		if (ok(kd_read_member_u64(s, "module", "refcnt.counter", km->address, &v))) {
			// module_refcount(): the count less MODULE_REF_BASE (1).
			mi->refcount = (int64_t)(int32_t)v - 1;
			mi->have_refcount = true;
		} else {
			mi->incomplete = "its reference count";
		}
	}
	mi->state = state_name(s, km->address);
	if (ok(kd_type_member(s, "module", "taints", &m)) &&
	    !ok(kd_read_member_u64(s, "module", "taints", km->address, &mi->taints)))
		mi->incomplete = "its taints";
	build_id(s, km->address, mi->build_id, sizeof(mi->build_id));
}

// The letters of the kernel's taint_flags[] (c_true), read until an entry
// that is not a capital letter; NULL when the table cannot be read.
static size_t taint_letters(struct kd_session *s, char letters[MAX_TAINTS], bool module_flag[MAX_TAINTS])
{
	uint64_t addr, size;
	struct kd_member_info ct, mod;
	if (!ok(kd_symbol_address(s, "taint_flags", &addr)) || !ok(kd_type_size(s, "taint_flag", &size)) ||
	    !ok(kd_type_member(s, "taint_flag", "c_true", &ct)) ||
	    !ok(kd_type_member(s, "taint_flag", "module", &mod)) || !size || size > 64)
		return 0;
	size_t n = 0;
	for (; n < MAX_TAINTS; n++) {
		unsigned char e[64];
		if (!ok(kd_read_kernel(s, addr + n * size, e, (size_t)size)))
			break;
		char c = (char)e[ct.offset];
		if (c < 'A' || c > 'Z')
			break;
		letters[n] = c;
		module_flag[n] = e[mod.offset] != 0;
	}
	return n;
}

static void taint_text(uint64_t taints, const char *letters, size_t nl, char *out, size_t size)
{
	size_t k = 0;
	for (size_t b = 0; b < 64 && k + 1 < size; b++)
		if (taints >> b & 1)
			out[k++] = b < nl ? letters[b] : '?';
	out[k] = '\0';
}

static struct kd_error *mod_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = kd_kmodules_load(s);
	size_t n = kd_kmodule_count(s);
	if (err && !n)
		return err;
	// Some modules were read: show them, name the failure, fail.
	if (err) {
		kd_warn(s, "mod: %s", err->msg);
		kd_error_destroy(err);
		err = kd_error_create(KD_ERR_NODATA, "the modules list was read in part (named above)");
	}
	const char **only = (const char **)(args->argv + 1);
	int nonly = args->argc - 1;
	bool json = kd_json_mode(s), taints = v[MD_T].count > 0;
	char letters[MAX_TAINTS];
	bool modflag[MAX_TAINTS];
	size_t nl = taints || json ? taint_letters(s, letters, modflag) : 0;
	size_t shown = 0, bad = 0;
	if (json)
		kd_json_begin_array(s, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct kd_kmodule *km = kd_kmodule_get(s, i);
		bool want = !nonly;
		for (int k = 0; k < nonly && !want; k++)
			want = strcmp(only[k], km->name) == 0;
		if (!want)
			continue;
		struct modinfo mi;
		read_info(s, km, &mi);
		if (mi.incomplete) {
			kd_warn(s, "mod: module %s at 0x%" PRIx64 ": %s unreadable", km->name, km->address, mi.incomplete);
			bad++;
		}
		char tt[MAX_TAINTS + 1];
		taint_text(mi.taints, letters, nl, tt, sizeof(tt));
		if (taints && !mi.taints)
			continue;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "module", km->address);
			kd_json_string(s, "name", km->name);
			kd_json_hex(s, "base", km->base);
			kd_json_u64(s, "size", mi.size);
			kd_json_u64(s, "text_size", km->size);
			if (mi.have_refcount)
				kd_json_i64(s, "refcount", mi.refcount);
			if (mi.state)
				kd_json_string(s, "state", mi.state);
			kd_json_hex(s, "taints", mi.taints);
			kd_json_string(s, "taint_flags", tt);
			if (mi.build_id[0])
				kd_json_string(s, "build_id", mi.build_id);
			kd_json_u64(s, "symbols", km->nsyms);
			kd_json_null(s, "object_file");
			if (mi.incomplete)
				kd_json_bool(s, "incomplete", true);
			kd_json_end_object(s);
		} else if (taints) {
			if (!shown)
				kd_printf(s, "%-24s TAINTS\n", "NAME");
			kd_printf(s, "%-24s %s\n", km->name, tt);
		} else {
			if (!shown)
				kd_printf(s, "     MODULE       NAME                         BASE          SIZE  OBJECT FILE\n");
			kd_printf(s, "%016" PRIx64 "  %-24s %016" PRIx64 " %8" PRIu64 "  (not loaded)  [CONFIG_KALLSYMS]\n",
				  km->address, km->name, km->base, mi.size);
		}
		shown++;
	}
	if (json)
		kd_json_end_array(s);
	else if (taints && !shown && !err)
		kd_printf(s, "no tainted modules\n");
	for (int k = 0; k < nonly; k++) {
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(only[k], kd_kmodule_get(s, i)->name) == 0;
		if (!found && !err)
			err = kd_error_create(KD_ERR_NOTFOUND, "no module '%s' is loaded", only[k]);
	}
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu module(s) read in part (named above)", bad);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "mod",
	.summary = "the kernel's loaded modules",
	.synopsis = "[-t] [name]...",
	.help = "List the loaded kernel modules (all, or those named) in crash's layout:\n"
		"the struct module, the name, the base of its core image, its size as\n"
		"/proc/modules gives it (every layout) and its object file.  Their symbols\n"
		"come from the kernel's own kallsyms in the dump, so no .ko file is needed\n"
		"(\"[CONFIG_KALLSYMS]\").  --json adds the reference count, the state, the\n"
		"taints and the GNU build ID the module keeps in memory (to match a .ko\n"
		"with).  -t lists the tainted modules with their taint letters (P, O, E...\n"
		"as the kernel's taint_flags[] names them).\n\n"
		"EXAMPLES\n"
		"  kdive> mod\n"
		"       MODULE       NAME                         BASE          SIZE  OBJECT FILE\n"
		"  ffffffffc0397040  loop                     ffffffffc0397000    32768  (not loaded)  [CONFIG_KALLSYMS]\n"
		"  kdive> mod -t\n"
		"  kdive> mod --json loop | jq -r '.[0].build_id'",
	.options = mod_opts,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
	.run = mod_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "mod",
	.version = "1",
	.commands = commands,
};
