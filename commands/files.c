// SPDX-License-Identifier: GPL-3.0-or-later
// files and fuser: a task's open files in crash's layout (its root and working
// directory, then FD FILE DENTRY INODE TYPE PATH for every descriptor of its
// struct fdtable, include/linux/fdtable.h), one dentry's inode, super block,
// type and path (-d), the page-cache figures of each open file (-c), and the
// processes using a path (fuser: as root, working directory, executable or
// open file).  Path names are built by the core (<kdive/fs.h>) the way the
// kernel's d_path() builds them, so they read as /proc/PID/fd shows them.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/fs.h>
#include <kdive/module.h>
#include <kdive/task.h>
#include <kdive/types.h>
#include <kdive/walk.h>

enum { FO_D, FO_P, FO_C, FO_JSON, FO_NOPT };
static const struct kd_option files_opts[] = {
	[FO_D] = { "d", KD_ARG_ADDR, "DENTRY", "show one dentry's inode, super block, type and path" },
	[FO_P] = { "p", KD_ARG_ADDR, "INODE", "list an inode's pages in the page cache" },
	[FO_C] = { "c", KD_ARG_NONE, NULL, "show each file's inode, address_space and cached pages" },
	[FO_JSON] = KD_OPTION_JSON,
	[FO_NOPT] = { NULL },
};

// True when err is NULL; destroys it.
static bool ok(struct kd_error *err)
{
	bool r = !err;
	kd_error_destroy(err);
	return r;
}

// A path for the command's output; a failure is named on stderr and counted.
static void path_of(struct kd_session *s, uint64_t mnt, uint64_t dentry, char *buf, size_t size,
		    size_t *bad)
{
	struct kd_error *err = kd_fs_path(s, mnt, dentry, buf, size);
	if (err) {
		kd_warn(s, "files: %s", err->msg);
		kd_error_destroy(err);
		(*bad)++;
	}
}

struct files_ctx {
	bool cache;
	size_t bad;
	size_t shown;
};

static void cache_figures(struct kd_session *s, uint64_t inode, uint64_t *mapping, uint64_t *nrpages,
			  size_t *bad)
{
	struct kd_error *err = kd_read_member_u64(s, "inode", "i_mapping", inode, mapping);
	if (!err && *mapping)
		err = kd_read_member_u64(s, "address_space", "nrpages", *mapping, nrpages);
	if (err) {
		kd_warn(s, "files: inode 0x%" PRIx64 ": %s", inode, err->msg);
		kd_error_destroy(err);
		(*bad)++;
	}
}

static int show_fd(struct kd_session *s, uint64_t fd, uint64_t file, const struct kd_error *e, void *arg)
{
	struct files_ctx *c = arg;
	bool json = kd_json_mode(s);
	if (e) {
		kd_warn(s, "files: %s", e->msg);
		c->bad++;
		return 0;
	}
	struct kd_fs_file f;
	memset(&f, 0, sizeof(f));
	char path[KD_FS_PATH_MAX] = "?", why[256] = "";
	struct kd_error *err = kd_fs_file(s, file, &f);
	if (err) {
		kd_warn(s, "files: fd %" PRIu64 ": %s", fd, err->msg);
		snprintf(why, sizeof(why), "%s", err->msg);
		memset(&f, 0, sizeof(f));
		kd_error_destroy(err);
		c->bad++;
	} else {
		path_of(s, f.vfsmount, f.dentry, path, sizeof(path), &c->bad);
	}
	uint64_t mapping = 0, nrpages = 0;
	if (c->cache && f.inode)
		cache_figures(s, f.inode, &mapping, &nrpages, &c->bad);
	const char *type = f.inode ? kd_fs_mode_type(f.mode) : "?";
	// The header once the first descriptor is known to exist.
	if (!json && !c->shown++) {
		if (c->cache)
			kd_printf(s, " FD      INODE            I_MAPPING       NRPAGES TYPE PATH\n");
		else
			kd_printf(s, " FD       FILE            DENTRY           INODE       TYPE PATH\n");
	}
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "fd", fd);
		kd_json_hex(s, "file", file);
		kd_json_hex(s, "dentry", f.dentry);
		kd_json_hex(s, "inode", f.inode);
		kd_json_u64(s, "ino", f.ino);
		if (c->cache) {
			kd_json_hex(s, "mapping", mapping);
			kd_json_u64(s, "nrpages", nrpages);
		}
		kd_json_string(s, "type", type);
		kd_json_string(s, "path", path);
		if (why[0]) {
			kd_json_bool(s, "incomplete", true);
			kd_json_string(s, "reason", why);
		}
		kd_json_end_object(s);
	} else if (c->cache) {
		kd_printf(s, "%3" PRIu64 " %016" PRIx64 " %016" PRIx64 " %7" PRIu64 " %-4s %s\n", fd, f.inode,
			  mapping, nrpages, type, path);
	} else {
		kd_printf(s, "%3" PRIu64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %-4s %s\n", fd, file,
			  f.dentry, f.inode, type, path);
	}
	return 0;
}

static struct kd_error *task_files(struct kd_session *s, const struct kd_task *t, bool cache, size_t *bad)
{
	bool json = kd_json_mode(s);
	struct kd_fs_task_dirs d;
	char root[KD_FS_PATH_MAX] = "?", cwd[KD_FS_PATH_MAX] = "?";
	struct kd_error *err = kd_fs_task_dirs(s, t->addr, &d);
	if (err) {
		kd_warn(s, "files: %s", err->msg);
		kd_error_destroy(err);
		(*bad)++;
	} else if (d.fs) {
		path_of(s, d.root_mnt, d.root_dentry, root, sizeof(root), bad);
		path_of(s, d.pwd_mnt, d.pwd_dentry, cwd, sizeof(cwd), bad);
	}
	char hdr[128];
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "pid", t->pid);
		kd_json_hex(s, "task", t->addr);
		kd_json_string(s, "comm", t->comm);
		if (d.fs) {
			kd_json_string(s, "root", root);
			kd_json_string(s, "cwd", cwd);
		}
	} else {
		kd_printf(s, "%s\n", kd_task_header(t, hdr, sizeof(hdr)));
		if (d.fs)
			kd_printf(s, "ROOT: %s    CWD: %s\n", root, cwd);
	}
	struct files_ctx c = { .cache = cache };
	if (json)
		kd_json_begin_array(s, "files");
	err = kd_fs_task_files(s, t->addr, NULL, show_fd, &c);
	if (json)
		kd_json_end_array(s);
	if (json)
		kd_json_end_object(s);
	else if (!err && !c.shown && !c.bad)
		kd_printf(s, "No open files\n");
	*bad += c.bad;
	return err;
}

static struct kd_error *show_dentry(struct kd_session *s, uint64_t dentry)
{
	uint64_t inode = 0, sb = 0, mode = 0;
	struct kd_error *err;
	if ((err = kd_read_member_u64(s, "dentry", "d_inode", dentry, &inode)) ||
	    (err = kd_read_member_u64(s, "dentry", "d_sb", dentry, &sb)))
		return kd_error_prefix(err, "dentry at 0x%" PRIx64, dentry);
	if (inode && (err = kd_read_member_u64(s, "inode", "i_mode", inode, &mode)))
		return kd_error_prefix(err, "inode at 0x%" PRIx64, inode);
	// The path within its own file system: a dentry alone does not say
	// through which mount it was reached.
	char path[KD_FS_PATH_MAX];
	err = kd_fs_path(s, 0, dentry, path, sizeof(path));
	const char *type = inode ? kd_fs_mode_type(mode) : "-";
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "dentry", dentry);
		kd_json_hex(s, "inode", inode);
		kd_json_hex(s, "superblock", sb);
		kd_json_string(s, "type", type);
		kd_json_string(s, "path", path);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "     DENTRY           INODE           SUPERBLK     TYPE PATH\n");
		kd_printf(s, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %-4s %s\n", dentry, inode, sb, type, path);
	}
	return err;
}

/* ---- files -p: an inode's pages in the page cache -------------------------- */

struct cache_walk {
	uint64_t vmemmap, page_size, page_bytes;
	size_t shown;
};

static int cache_page(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct cache_walk *c = arg;
	// Value entries (bit 0 set: shadow and swap entries) are not pages.
	if (it->addr & 1)
		return 0;
	uint64_t flags = 0, count = 0;
	bool fl = ok(kd_read_member_u64(s, "page", "flags", it->addr, &flags));
	struct kd_error *e = kd_read_member_u64(s, "page", "_refcount.counter", it->addr, &count);
	kd_error_destroy(e);
	uint64_t phys = 0;
	bool have_phys = c->vmemmap && it->addr >= c->vmemmap && c->page_bytes;
	if (have_phys)
		phys = (it->addr - c->vmemmap) / c->page_bytes * c->page_size;
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "page", it->addr);
		if (have_phys)
			kd_json_hex(s, "physical", phys);
		kd_json_u64(s, "index", it->first);
		kd_json_i64(s, "count", (int32_t)count);
		if (fl)
			kd_json_hex(s, "flags", flags);
		kd_json_end_object(s);
	} else {
		if (!c->shown)
			kd_printf(s, "\n      PAGE          PHYSICAL         INDEX CNT FLAGS\n");
		char pb[20] = "?", fb[20] = "?";
		if (have_phys)
			snprintf(pb, sizeof(pb), "%" PRIx64, phys);
		if (fl)
			snprintf(fb, sizeof(fb), "%" PRIx64, flags);
		kd_printf(s, "%016" PRIx64 " %12s %10" PRIu64 " %3d %s\n", it->addr, pb, it->first, (int32_t)count, fb);
	}
	c->shown++;
	return 0;
}

static struct kd_error *show_cache(struct kd_session *s, uint64_t inode)
{
	uint64_t mapping, nrpages = 0;
	struct kd_error *err;
	struct kd_member_info pages;
	if ((err = kd_read_member_u64(s, "inode", "i_mapping", inode, &mapping)))
		return kd_error_prefix(err, "inode at 0x%" PRIx64, inode);
	if (!mapping)
		return kd_error_create(KD_ERR_NOTFOUND, "inode at 0x%" PRIx64 " has no address_space", inode);
	if ((err = kd_read_member_u64(s, "address_space", "nrpages", mapping, &nrpages)) ||
	    (err = kd_type_member(s, "address_space", "i_pages", &pages)))
		return kd_error_prefix(err, "address_space at 0x%" PRIx64, mapping);
	// A page's frame from its place in the struct page array (vmemmap).
	struct cache_walk c = { .page_size = kd_page_size(s) };
	const struct kd_vm_region *r;
	size_t nr = kd_vm_regions(s, &r);
	for (size_t i = 0; i < nr; i++)
		if (strcmp(r[i].name, "vmemmap") == 0)
			c.vmemmap = r[i].start;
	kd_error_destroy(kd_type_size(s, "page", &c.page_bytes));
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "inode", inode);
		kd_json_hex(s, "mapping", mapping);
		kd_json_u64(s, "nrpages", nrpages);
		kd_json_begin_array(s, "pages");
	} else {
		kd_printf(s, "     INODE        NRPAGES\n%016" PRIx64 " %8" PRIu64 "\n", inode, nrpages);
	}
	struct kd_walk w = { .fn = cache_page, .arg = &c };
	err = kd_walk_xarray(s, mapping + pages.offset, &w);
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

static struct kd_error *files_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	if (v[FO_D].arg) {
		if (args->argc > 1)
			return kd_error_create(KD_ERR_USAGE, "-d takes no task operands");
		uint64_t dentry;
		if ((err = kd_parse_address(s, v[FO_D].arg, &dentry)))
			return err;
		return show_dentry(s, dentry);
	}
	if (v[FO_P].arg) {
		if (args->argc > 1 || v[FO_D].arg)
			return kd_error_create(KD_ERR_USAGE, "-p takes no task operands");
		uint64_t inode;
		if ((err = kd_parse_address(s, v[FO_P].arg, &inode)))
			return err;
		return show_cache(s, inode);
	}
	const struct kd_task **list = calloc((size_t)args->argc, sizeof(*list));
	if (!list)
		return &kd_enomem;
	int n = 0;
	if (args->argc == 1) {
		if (!(list[n++] = kd_task_current(s)))
			err = kd_error_create(KD_ERR_NOTFOUND, "no current context");
	}
	for (int i = 1; i < args->argc && !err; i++)
		err = kd_task_lookup(s, args->argv[i], &list[n++]);
	bool json = kd_json_mode(s);
	size_t bad = 0;
	bool began = !err && json;
	if (began)
		kd_json_begin_array(s, NULL);
	for (int i = 0; i < n && !err; i++) {
		if (i && !json)
			kd_printf(s, "\n");
		err = task_files(s, list[i], v[FO_C].count > 0, &bad);
	}
	if (began)
		kd_json_end_array(s);
	free(list);
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu file(s), names or table pages unreadable (named above)", bad);
	return err;
}

/* ---- fuser ---------------------------------------------------------------- */

struct fuser_ctx {
	const char *path;   // the path asked for, or NULL
	uint64_t inode;     // or the inode asked for
	bool fd;
	size_t bad;
};

static bool match(struct kd_session *s, struct fuser_ctx *c, uint64_t mnt, uint64_t dentry, uint64_t inode)
{
	if (c->inode)
		return inode == c->inode;
	char path[KD_FS_PATH_MAX];
	struct kd_error *err = kd_fs_path(s, mnt, dentry, path, sizeof(path));
	if (err) {
		kd_warn(s, "fuser: %s", err->msg);
		kd_error_destroy(err);
		c->bad++;
		return false;
	}
	return strcmp(path, c->path) == 0;
}

static int fuser_fd(struct kd_session *s, uint64_t fd, uint64_t file, const struct kd_error *e, void *arg)
{
	struct fuser_ctx *c = arg;
	(void)fd;
	if (e) {
		kd_warn(s, "fuser: %s", e->msg);
		c->bad++;
		return 0;
	}
	struct kd_fs_file f;
	struct kd_error *err = kd_fs_file(s, file, &f);
	if (err) {
		kd_warn(s, "fuser: %s", err->msg);
		kd_error_destroy(err);
		c->bad++;
		return 0;
	}
	if (match(s, c, f.vfsmount, f.dentry, f.inode)) {
		c->fd = true;
		return 1;
	}
	return 0;
}

// Whether one of the mm's VMAs maps the file: its maple tree (mm_struct.mm_mt,
// 6.1+) or its list (mm_struct.mmap through vm_area_struct.vm_next), as the
// types say.
struct vma_match {
	struct fuser_ctx *c;
	bool found;
};

static bool vma_maps(struct kd_session *s, struct fuser_ctx *c, uint64_t vma)
{
	uint64_t file;
	struct kd_fs_file f;
	struct kd_error *err = kd_read_member_u64(s, "vm_area_struct", "vm_file", vma, &file);
	if (!err && file)
		err = kd_fs_file(s, file, &f);
	if (err) {
		kd_warn(s, "fuser: vm_area_struct at 0x%" PRIx64 ": %s", vma, err->msg);
		kd_error_destroy(err);
		c->bad++;
		return false;
	}
	return file && match(s, c, f.vfsmount, f.dentry, f.inode);
}

static int vma_each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct vma_match *vm = arg;
	if (!it->addr || (it->addr & 3)) // not a pointer (an internal maple entry)
		return 0;
	vm->found = vma_maps(s, vm->c, it->addr);
	return vm->found;
}

static void vma_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	struct vma_match *vm = arg;
	kd_warn(s, "fuser: the VMAs at 0x%" PRIx64 ": %s", addr, why ? why->msg : "unreadable");
	vm->c->bad++;
}

static bool maps_file(struct kd_session *s, struct fuser_ctx *c, uint64_t mm)
{
	struct vma_match vm = { .c = c };
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, "mm_struct", "mm_mt", &m);
	if (!err) {
		struct kd_walk w = { .fn = vma_each, .lost = vma_lost, .arg = &vm };
		err = kd_walk_maple(s, mm + m.offset, &w);
	} else {
		kd_error_destroy(err);
		uint64_t vma = 0;
		struct kd_cycle cy = { 0 };
		err = kd_read_member_u64(s, "mm_struct", "mmap", mm, &vma);
		for (size_t n = 0; !err && vma && !vm.found; n++) {
			if (n > (1u << 24) || kd_cycle_step(&cy, vma)) {
				err = kd_error_create(KD_ERR_CORRUPT, "its VMA list does not end");
				break;
			}
			vm.found = vma_maps(s, c, vma);
			err = kd_read_member_u64(s, "vm_area_struct", "vm_next", vma, &vma);
		}
	}
	if (err) {
		kd_warn(s, "fuser: mm_struct at 0x%" PRIx64 ": %s", mm, err->msg);
		kd_error_destroy(err);
		c->bad++;
	}
	return vm.found;
}

static struct kd_error *fuser_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc != 2)
		return kd_error_create(KD_ERR_USAGE, "expected one path name or inode address");
	struct fuser_ctx c = { 0 };
	const char *a = args->argv[1];
	struct kd_error *err;
	if (a[0] == '/') {
		c.path = a;
	} else if ((err = kd_parse_u64(a, true, &c.inode))) {
		return kd_error_prefix(err, "'%s' is neither an absolute path nor an inode address", a);
	}
	bool json = kd_json_mode(s);
	size_t shown = 0;
	if (json)
		kd_json_begin_array(s, NULL);
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		if ((err = kd_check_interrupt(s)))
			break;
		// One line per process: threads share their leader's tables.
		if (t->pid != t->tgid)
			continue;
		const char *use[5];
		int nuse = 0;
		struct kd_fs_task_dirs d;
		if ((err = kd_fs_task_dirs(s, t->addr, &d))) {
			kd_warn(s, "fuser: %s", err->msg);
			kd_error_destroy(err);
			err = NULL;
			c.bad++;
		} else if (d.fs) {
			uint64_t ri = 0, pi = 0;
			if (c.inode) {
				kd_error_destroy(kd_read_member_u64(s, "dentry", "d_inode", d.root_dentry, &ri));
				kd_error_destroy(kd_read_member_u64(s, "dentry", "d_inode", d.pwd_dentry, &pi));
			}
			if (match(s, &c, d.root_mnt, d.root_dentry, ri))
				use[nuse++] = "root";
			if (match(s, &c, d.pwd_mnt, d.pwd_dentry, pi))
				use[nuse++] = "cwd";
		}
		uint64_t exe = 0;
		if (t->mm && ok(kd_read_member_u64(s, "mm_struct", "exe_file", t->mm, &exe)) && exe) {
			struct kd_fs_file f;
			struct kd_error *e = kd_fs_file(s, exe, &f);
			if (!e && match(s, &c, f.vfsmount, f.dentry, f.inode))
				use[nuse++] = "exe";
			kd_error_destroy(e);
		}
		c.fd = false;
		if ((err = kd_fs_task_files(s, t->addr, NULL, fuser_fd, &c))) {
			kd_warn(s, "fuser: %s", err->msg);
			kd_error_destroy(err);
			err = NULL;
			c.bad++;
		}
		if (c.fd)
			use[nuse++] = "fd";
		if (t->mm && maps_file(s, &c, t->mm))
			use[nuse++] = "mmap";
		if (!nuse)
			continue;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "pid", t->pid);
			kd_json_hex(s, "task", t->addr);
			kd_json_string(s, "comm", t->comm);
			kd_json_begin_array(s, "usage");
			for (int k = 0; k < nuse; k++)
				kd_json_string(s, NULL, use[k]);
			kd_json_end_array(s);
			kd_json_end_object(s);
		} else {
			if (!shown)
				kd_printf(s, " PID         TASK        COMM             USAGE\n");
			char comm[KD_TASK_COMM_LEN + 3];
			snprintf(comm, sizeof(comm), "\"%s\"", t->comm);
			kd_printf(s, "%5" PRId64 "  %016" PRIx64 "  %-18s", t->pid, t->addr, comm);
			for (int k = 0; k < nuse; k++)
				kd_printf(s, "%s%s", k ? " " : "", use[k]);
			kd_printf(s, "\n");
		}
		shown++;
	}
	if (json)
		kd_json_end_array(s);
	else if (!err && !shown)
		kd_printf(s, "No users of %s found\n", a);
	if (!err && c.bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu file(s), names or tables unreadable (named above)", c.bad);
	return err;
}

static const struct kd_command commands[3] = { {
	.name = "files",
	.summary = "a task's open files, or one dentry",
	.synopsis = "[-c] [pid | task]... | -d DENTRY | -p INODE",
	.help = "For each task (the current context without operands) print its root and\n"
		"working directory, then every open file descriptor: the struct file, its\n"
		"dentry and inode, the file type (REG DIR CHR BLK FIFO SOCK LNK) and the path\n"
		"name as /proc/PID/fd shows it (pipe:[INO], socket:[INO], anon_inode:NAME).\n"
		"-c shows instead each file's inode, its address_space and how many of its\n"
		"pages are in the page cache.  -d DENTRY shows that dentry's inode, super\n"
		"block, type and path within its file system.  -p INODE lists the inode's\n"
		"pages in the page cache (its address_space's xarray): the struct page, its\n"
		"physical address, its index in the file, its reference count and flags.\n\n"
		"EXAMPLES\n"
		"  kdive> files 94\n"
		"  PID: 94     TASK: ffff8c1edfe848c0  CPU: 1   COMMAND: \"kdive-marker\"\n"
		"  ROOT: /    CWD: /\n"
		"   FD       FILE            DENTRY           INODE       TYPE PATH\n"
		"    0 ffff8c1ec24f2400 ffff8c1ec206fc00 ffff8c1ec11eeb70 CHR  /dev/console\n"
		"  kdive> files -c 1\n"
		"  kdive> files -p ffff8c1ec27f8cd0\n"
		"  kdive> files --json 94 | jq -r '.[0].files[].path'",
	.options = files_opts,
	.operand = KD_ARG_PID,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS |
		 KD_CMD_CONTEXT_TASK,
	.run = files_run,
}, {
	.name = "fuser",
	.summary = "the processes using a file",
	.operands = "path | inode",
	.help = "List the processes that use a file, given by its absolute path (as files\n"
		"prints it) or its inode address: as their root directory (root), working\n"
		"directory (cwd), executable (exe), through an open file descriptor (fd) or\n"
		"a memory mapping (mmap: a VMA of the file, the executable's included).\n\n"
		"EXAMPLES\n"
		"  kdive> fuser /run/kdive/marker.dat\n"
		"   PID         TASK        COMM             USAGE\n"
		"     94  ffff8c1edfe848c0  \"kdive-marker\"    fd mmap\n"
		"  kdive> fuser --json /",
	.options = (const struct kd_option[]){ KD_OPTION_JSON, { NULL } },
	.operand = KD_ARG_FILE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS,
	.run = fuser_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "files",
	.version = "1",
	.commands = commands,
};
