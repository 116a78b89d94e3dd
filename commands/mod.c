// SPDX-License-Identifier: GPL-3.0-or-later
// mod: the kernel's loaded modules in crash's layout (MODULE NAME BASE SIZE
// OBJECT FILE) from the core's walk of the `modules` list (<kdive/symbols.h>),
// with what /proc/modules shows besides (kernel/module/procfs.c m_show: the
// size of every layout, the reference count, the state) and each module's
// GNU build ID from the notes it keeps for sysfs (struct module_notes_attrs,
// kernel/module/sysfs.c).  -t lists the modules' taint flags, lettered by the
// kernel's own taint_flags[] table (kernel/panic.c).  -s MODULE [FILE] and
// -S [DIR] load modules' object files (.ko) through the core
// (kd_kmodule_load_file: symbols placed at the dump's section addresses,
// split BTF, checked by build ID), found under DIR by module name as
// modprobe would (a '-' in a file name is a '_' in the module's), by
// default /lib/modules/RELEASE for the dump's release.  Every layout is BTF's.
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/vm.h>
#include <kdive/vmcoreinfo.h>

enum { MD_T, MD_S, MD_BIG_S, MD_JSON, MD_NOPT };
static const struct kd_option mod_opts[] = {
	[MD_T] = { "t", KD_ARG_NONE, NULL, "show the taint flags of the tainted modules" },
	[MD_S] = { "s", KD_ARG_STRING, "MODULE", "load MODULE's object file (the operand, or found under /lib/modules/RELEASE)" },
	[MD_BIG_S] = { "S", KD_ARG_NONE, NULL, "load every module's object file from DIR (the operand) or /lib/modules/RELEASE" },
	[MD_JSON] = KD_OPTION_JSON,
	[MD_NOPT] = { NULL },
};

enum { MAX_TAINTS = 64, BUILD_ID_MAX = 64, MAX_KO_FILES = 200000 };

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
	kd_error_destroy(kd_kmodule_build_id(s, km, mi->build_id, sizeof(mi->build_id)));
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

/* ---- object files (-s, -S) ------------------------------------------------------ */

// The module files under a directory: each module name (a '-' of the file
// name read as '_') with its path, sorted by name then path.
struct kofile {
	char *name, *path;
};

struct kofiles {
	struct kofile *v;
	size_t n, cap;
};

static int kofile_cmp(const void *a, const void *b)
{
	const struct kofile *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->path, y->path);
}

static void kofiles_free(struct kofiles *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].path);
	}
	free(f->v);
}

// NAME.ko, NAME.ko.xz, NAME.ko.zst or NAME.ko.gz -> NAME (with '_'), else NULL.
static char *module_of(const char *file)
{
	const char *ko = strstr(file, ".ko");
	if (!ko || ko == file || (ko[3] && strcmp(ko + 3, ".xz") && strcmp(ko + 3, ".zst") && strcmp(ko + 3, ".gz")))
		return NULL;
	char *n = strndup(file, (size_t)(ko - file));
	for (char *p = n; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static struct kd_error *scan_dir(struct kd_session *s, const char *dir, int depth, struct kofiles *f)
{
	DIR *d = opendir(dir);
	if (!d)
		return depth ? NULL : kd_error_os(errno, "%s", dir);
	struct kd_error *err = NULL;
	struct dirent *e;
	while (!err && (e = readdir(d))) {
		if (e->d_name[0] == '.' || f->n >= MAX_KO_FILES)
			continue;
		char *path;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			err = &kd_enomem;
			break;
		}
		struct stat st;
		char *name = NULL;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < 16 && e->d_type != DT_LNK) {
			err = scan_dir(s, path, depth + 1, f);
		} else if (S_ISREG(st.st_mode) && (name = module_of(e->d_name))) {
			if (f->n == f->cap) {
				f->cap = f->cap ? 2 * f->cap : 256;
				struct kofile *nv = realloc(f->v, f->cap * sizeof(*nv));
				if (!nv) {
					free(name);
					free(path);
					err = &kd_enomem;
					break;
				}
				f->v = nv;
			}
			f->v[f->n++] = (struct kofile){ name, path };
			continue;
		}
		free(path);
		if (!err)
			err = kd_check_interrupt(s);
	}
	closedir(d);
	return err;
}

static const char *kofile_find(const struct kofiles *f, const char *module)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(f->v[mid].name, module) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n && strcmp(f->v[lo].name, module) == 0 ? f->v[lo].path : NULL;
}

// /lib/modules/RELEASE for the dump's release (VMCOREINFO's OSRELEASE, else
// init_uts_ns.name.release).
static struct kd_error *default_dir(struct kd_session *s, char *buf, size_t size)
{
	char rel[65] = "";
	const char *r = kd_vmcoreinfo_get(s, "OSRELEASE");
	if (r) {
		snprintf(rel, sizeof(rel), "%s", r);
	} else {
		uint64_t uts;
		struct kd_member_info m;
		struct kd_error *err = kd_symbol_address(s, "init_uts_ns", &uts);
		if (!err)
			err = kd_type_member(s, "uts_namespace", "name.release", &m);
		if (!err)
			err = kd_read_kernel(s, uts + m.offset, rel, sizeof(rel) - 1);
		if (err)
			return kd_error_prefix(err, "the dump's release (for /lib/modules/RELEASE)");
	}
	snprintf(buf, size, "/lib/modules/%s", rel);
	struct stat st;
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		return kd_error_create(KD_ERR_NOTFOUND, "no directory %s for the dump's release: give one (mod -S DIR)",
				       buf);
	return NULL;
}

// What one load did, for --json.
struct loaded {
	const char *module;
	struct kd_kmodule_file r;
	bool ok;
};

// Load one module's file; the error is the caller's to report.
static struct kd_error *load_one(struct kd_session *s, const char *module, const char *path, struct loaded *l)
{
	l->module = module;
	struct kd_error *err = kd_kmodule_load_file(s, module, path, &l->r);
	l->ok = !err;
	if (!err && !l->r.already && !l->r.build_id_memory)
		kd_warn(s, "mod: %s: the dump keeps no build ID for module %s: matched by its symbols instead "
			"(%zu at the kallsyms addresses)", path, module, l->r.agree);
	return err;
}

// -s MODULE [FILE|DIR] and -S [DIR]: load, then list what was loaded.
static struct kd_error *load_files(struct kd_session *s, const struct kd_args *args, struct loaded **ret,
				   size_t *nret)
{
	const struct kd_optval *v = args->opt;
	const char *arg = args->argc > 1 ? args->argv[1] : NULL;
	if (args->argc > 2)
		return kd_error_create(KD_ERR_USAGE, "%s takes one operand at most", v[MD_S].count ? "-s" : "-S");
	char dir[4200];
	struct stat st;
	bool is_file = arg && stat(arg, &st) == 0 && !S_ISDIR(st.st_mode);
	if (v[MD_BIG_S].count && is_file)
		return kd_error_create(KD_ERR_USAGE, "-S takes a directory, not '%s'", arg);
	struct kofiles f = { 0 };
	struct kd_error *err = NULL;
	if (!is_file) {
		if (arg)
			snprintf(dir, sizeof(dir), "%s", arg);
		else if ((err = default_dir(s, dir, sizeof(dir))))
			return err;
		if ((err = scan_dir(s, dir, 0, &f))) {
			kofiles_free(&f);
			return err;
		}
		if (f.n)
			qsort(f.v, f.n, sizeof(*f.v), kofile_cmp);
	}
	size_t n = kd_kmodule_count(s);
	struct loaded *l = calloc(n + 1, sizeof(*l));
	if (!l) {
		kofiles_free(&f);
		return &kd_enomem;
	}
	size_t nl = 0, missing = 0, failed = 0;
	for (size_t i = 0; i < n && !err; i++) {
		const struct kd_kmodule *km = kd_kmodule_get(s, i);
		if (v[MD_S].count && strcmp(km->name, v[MD_S].arg) != 0)
			continue;
		const char *path = is_file ? arg : kofile_find(&f, km->name);
		if (!path) {
			missing++;
			if (v[MD_BIG_S].count)
				kd_warn(s, "mod: no object file for module %s under %s", km->name, dir);
			else
				err = kd_error_create(KD_ERR_NOTFOUND, "no object file for module %s under %s", km->name, dir);
			continue;
		}
		struct kd_error *e = load_one(s, km->name, path, &l[nl]);
		nl++;
		if (e && (e->code == KD_ERR_NOMEM || e->code == KD_ERR_INTERRUPTED || v[MD_S].count)) {
			err = e;
		} else if (e) {
			kd_warn(s, "mod: %s", e->msg);
			kd_error_destroy(e);
			failed++;
		}
		if (!err)
			err = kd_check_interrupt(s);
	}
	kofiles_free(&f);
	if (!err && v[MD_S].count && !nl && !missing)
		err = kd_error_create(KD_ERR_NOTFOUND, "no module '%s' is loaded", v[MD_S].arg);
	if (!err && failed)
		err = kd_error_create(KD_ERR_UNSUPPORTED, "%zu object file(s) refused (named above)", failed);
	*ret = l;
	*nret = nl;
	return err;
}

static const struct loaded *loaded_of(const struct loaded *l, size_t n, const char *module)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].ok && strcmp(l[i].module, module) == 0)
			return &l[i];
	return NULL;
}

static void json_loaded(struct kd_session *s, const struct loaded *l)
{
	kd_json_begin_object(s, "loaded");
	kd_json_string(s, "file_build_id", l->r.build_id);
	kd_json_bool(s, "build_id_checked", l->r.build_id_memory);
	kd_json_u64(s, "sections", l->r.sections);
	kd_json_u64(s, "symbols_added", l->r.added);
	kd_json_u64(s, "symbols_agree", l->r.agree);
	kd_json_u64(s, "symbols_disagree", l->r.disagree);
	kd_json_u64(s, "btf_types", l->r.btf_types);
	kd_json_bool(s, "already", l->r.already);
	kd_json_end_object(s);
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
	if (v[MD_S].count + v[MD_BIG_S].count + v[MD_T].count > 1) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_USAGE, "-s, -S and -t exclude each other");
	}
	struct loaded *ld = NULL;
	size_t nld = 0;
	bool loading = v[MD_S].count || v[MD_BIG_S].count;
	if (loading) {
		struct kd_error *e = load_files(s, args, &ld, &nld);
		// -s fails with its one file; -S lists what it loaded, then fails
		// for the files it refused (named above).
		if (e && (v[MD_S].count || e->code == KD_ERR_NOMEM || e->code == KD_ERR_INTERRUPTED ||
			  e->code == KD_ERR_USAGE || !nld)) {
			free(ld);
			kd_error_destroy(err);
			return e;
		}
		if (e && !err)
			err = e;
		else
			kd_error_destroy(e);
	}
	const char **only = (const char **)(args->argv + 1);
	int nonly = loading ? 0 : args->argc - 1;
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
		const struct loaded *l = loaded_of(ld, nld, km->name);
		if (!want || (v[MD_S].count && !l))
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
			if (km->object_file)
				kd_json_string(s, "object_file", km->object_file);
			else
				kd_json_null(s, "object_file");
			kd_json_u64(s, "btf_types", km->btf_types);
			if (km->btf_from)
				kd_json_string(s, "btf_from", km->btf_from);
			if (l)
				json_loaded(s, l);
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
			if (km->object_file)
				kd_printf(s, "%016" PRIx64 "  %-24s %016" PRIx64 " %8" PRIu64 "  %s\n", km->address, km->name,
					  km->base, mi.size, km->object_file);
			else
				kd_printf(s, "%016" PRIx64 "  %-24s %016" PRIx64 " %8" PRIu64
					     "  (not loaded)  [CONFIG_KALLSYMS]\n",
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
	free(ld);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "mod",
	.summary = "the kernel's loaded modules",
	.synopsis = "[-t] [name]... | -s MODULE [FILE|DIR] | -S [DIR]",
	.help = "List the loaded kernel modules (all, or those named) in crash's layout:\n"
		"the struct module, the name, the base of its core image, its size as\n"
		"/proc/modules gives it (every layout) and its object file.  Their symbols\n"
		"come from the kernel's own kallsyms in the dump, so no .ko file is needed\n"
		"(\"[CONFIG_KALLSYMS]\").  --json adds the reference count, the state, the\n"
		"taints and the GNU build ID the module keeps in memory (to match a .ko\n"
		"with).  -t lists the tainted modules with their taint letters (P, O, E...\n"
		"as the kernel's taint_flags[] names them).\n\n"
		"-s MODULE [FILE|DIR] loads the module's object file (.ko, or .ko.xz, .zst,\n"
		".gz), found by name under DIR or /lib/modules/RELEASE for the dump's\n"
		"release; -S [DIR] loads every module's found there.  Its symbols are\n"
		"placed at the addresses the dump gives its sections (what\n"
		"/sys/module/NAME/sections shows; .init sections are left out, freed) and\n"
		"join the symbol table with their sizes (data symbols too, which kallsyms\n"
		"lacks without KALLSYMS_ALL), so sym, dis and rd -s know them.  The file\n"
		"must be the module's: its GNU build ID must equal the one in memory, or,\n"
		"where the dump keeps none, the symbols kallsyms also has must be in place\n"
		"(a warning says so); a mismatch is refused.  Its .BTF joins the types\n"
		"unless the kernel's own copy did: kdive merges every module's BTF from\n"
		"the dump (btf_modules) when it reads the modules, so struct knows their\n"
		"types with no file at all.  The OBJECT FILE column then names the file.\n\n"
		"EXAMPLES\n"
		"  kdive> mod\n"
		"       MODULE       NAME                         BASE          SIZE  OBJECT FILE\n"
		"  ffffffffc0397040  loop                     ffffffffc0397000    32768  (not loaded)  [CONFIG_KALLSYMS]\n"
		"  kdive> mod -t\n"
		"  kdive> mod --json loop | jq -r '.[0].build_id'\n"
		"  kdive> mod -s loop /lib/modules/6.1.0-56-amd64/kernel/drivers/block/loop.ko\n"
		"  kdive> mod -S ~/modules",
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
