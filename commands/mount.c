// SPDX-License-Identifier: GPL-3.0-or-later
// mount: the mounts of a mount namespace in crash's layout (MOUNT SUPERBLK
// TYPE DEVNAME DIRNAME), in /proc/mounts order; -f adds each mount's open
// files.  The namespace walk (the list or rbtree of struct mnt_namespace,
// fs/mount.h) and the path names are the core's (<kdive/fs.h>).  The kernel
// keeps no per-superblock list of open files since 3.13 (super_block.s_files
// is gone), so -f gathers them from every task's file table.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/fs.h>
#include <kdive/module.h>
#include <kdive/task.h>
#include <kdive/types.h>

enum { MO_F, MO_N, MO_JSON, MO_NOPT };
static const struct kd_option mount_opts[] = {
	[MO_F] = { "f", KD_ARG_NONE, NULL, "list each mount's open files (from every task's file table)" },
	[MO_N] = { "n", KD_ARG_PID, "PID|TASK", "the mount namespace of this task" },
	[MO_JSON] = KD_OPTION_JSON,
	[MO_NOPT] = { NULL },
};

// An open file found in some task's table.
struct ofile {
	struct kd_fs_file f;
	char *path;
};

struct gather {
	struct ofile *v;
	size_t n;
	uint64_t *seen; // files_struct addresses done (threads share them)
	size_t nseen;
	size_t lost;
};

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

static int gather_fd(struct kd_session *s, uint64_t fd, uint64_t file, const struct kd_error *err, void *arg)
{
	struct gather *g = arg;
	(void)fd;
	if (err) {
		kd_warn(s, "mount: %s", err->msg);
		g->lost++;
		return 0;
	}
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].f.file == file)
			return 0;
	struct ofile o = { 0 };
	struct kd_error *e = kd_fs_file(s, file, &o.f);
	if (e) {
		kd_warn(s, "mount: %s", e->msg);
		kd_error_destroy(e);
		g->lost++;
		return 0;
	}
	char path[KD_FS_PATH_MAX];
	e = kd_fs_path(s, o.f.vfsmount, o.f.dentry, path, sizeof(path));
	if (e) {
		kd_warn(s, "mount: %s", e->msg);
		kd_error_destroy(e);
		g->lost++;
	}
	struct ofile *nv = realloc(g->v, (g->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	g->v = nv;
	o.path = strdup(path);
	g->v[g->n++] = o;
	return 0;
}

static struct kd_error *gather_files(struct kd_session *s, struct gather *g)
{
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		struct kd_error *err = kd_check_interrupt(s);
		if (err)
			return err;
		uint64_t files;
		if ((err = kd_read_member_u64(s, "task_struct", "files", t->addr, &files))) {
			kd_warn(s, "mount: task %" PRId64 ": %s", t->pid, err->msg);
			kd_error_destroy(err);
			g->lost++;
			continue;
		}
		if (!files || (g->nseen && bsearch(&files, g->seen, g->nseen, sizeof(*g->seen), cmp_u64)))
			continue;
		uint64_t *nv = realloc(g->seen, (g->nseen + 1) * sizeof(*nv));
		if (!nv)
			return &kd_enomem;
		g->seen = nv;
		g->seen[g->nseen++] = files;
		qsort(g->seen, g->nseen, sizeof(*g->seen), cmp_u64);
		if ((err = kd_fs_task_files(s, t->addr, NULL, gather_fd, g))) {
			kd_warn(s, "mount: %s", err->msg);
			kd_error_destroy(err);
			g->lost++;
		}
	}
	return NULL;
}

struct ctx {
	struct gather *files; // with -f
	size_t n, incomplete;
};

static int show_mount(struct kd_session *s, const struct kd_mount *m, void *arg)
{
	struct ctx *c = arg;
	bool json = kd_json_mode(s);
	char dir[KD_FS_PATH_MAX];
	struct kd_error *err = kd_fs_path(s, m->vfsmount, m->root, dir, sizeof(dir));
	c->n++;
	if (err || m->incomplete) {
		kd_warn(s, "mount: mount at 0x%" PRIx64 ": %s", m->mount, err ? err->msg : m->incomplete);
		c->incomplete++;
	}
	kd_error_destroy(err);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "mount", m->mount);
		kd_json_hex(s, "vfsmount", m->vfsmount);
		kd_json_hex(s, "superblock", m->sb);
		kd_json_i64(s, "mnt_id", m->id);
		kd_json_string(s, "type", m->type);
		kd_json_string(s, "devname", m->devname);
		kd_json_string(s, "dirname", dir);
		if (m->incomplete)
			kd_json_bool(s, "incomplete", true);
	} else {
		kd_printf(s, "%016" PRIx64 " %016" PRIx64 " %-10s %-12s %s\n", m->mount, m->sb, m->type, m->devname,
			  dir);
	}
	if (c->files) {
		if (json)
			kd_json_begin_array(s, "open_files");
		else
			kd_printf(s, "OPEN FILES:\n      FILE             DENTRY           INODE       TYPE PATH\n");
		size_t shown = 0;
		for (size_t i = 0; i < c->files->n; i++) {
			const struct ofile *o = &c->files->v[i];
			if (o->f.vfsmount != m->vfsmount)
				continue;
			shown++;
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_hex(s, "file", o->f.file);
				kd_json_hex(s, "dentry", o->f.dentry);
				kd_json_hex(s, "inode", o->f.inode);
				kd_json_string(s, "type", kd_fs_mode_type(o->f.mode));
				kd_json_string(s, "path", o->path);
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %-4s %s\n", o->f.file,
					  o->f.dentry, o->f.inode, kd_fs_mode_type(o->f.mode), o->path);
			}
		}
		if (json)
			kd_json_end_array(s);
		else if (!shown)
			kd_printf(s, "  (none)\n");
		if (!json)
			kd_printf(s, "\n");
	}
	if (json)
		kd_json_end_object(s);
	return 0;
}

static struct kd_error *mount_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected (use -n PID for another namespace)");
	const struct kd_task *t = NULL;
	uint64_t task = 0;
	if (v[MO_N].arg) {
		if ((err = kd_task_lookup(s, v[MO_N].arg, &t)))
			return err;
		task = t->addr;
	} else if (!kd_context_get(s, &task, NULL)) {
		// As the system's /proc/mounts: the namespace of init.
		if (!(t = kd_task_by_pid(s, 1)))
			return kd_error_create(KD_ERR_NOTFOUND, "no current context and no pid 1");
		task = t->addr;
	}
	uint64_t ns;
	if ((err = kd_fs_task_mnt_ns(s, task, &ns)))
		return err;
	if (!ns)
		return kd_error_create(KD_ERR_NOTFOUND, "task 0x%" PRIx64 " has no mount namespace (it is exiting)",
				       task);
	struct gather g = { 0 };
	struct ctx c = { .files = v[MO_F].count ? &g : NULL };
	if (c.files && (err = gather_files(s, &g)))
		goto out;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "     MOUNT           SUPERBLK      TYPE       DEVNAME      DIRNAME\n");
	err = kd_fs_mounts(s, ns, show_mount, &c);
	if (json)
		kd_json_end_array(s);
	if (!err && (c.incomplete || g.lost))
		err = kd_error_create(KD_ERR_NODATA, "%zu mount(s) read in part, %zu open file(s) or tables unreadable "
				      "(named above)", c.incomplete, g.lost);
out:
	for (size_t i = 0; i < g.n; i++)
		free(g.v[i].path);
	free(g.v);
	free(g.seen);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "mount",
	.summary = "the mounted file systems of a mount namespace",
	.help = "List the mounts of the current context's mount namespace (init's when no\n"
		"context was set) in the order /proc/mounts shows them, in crash's layout:\n"
		"the struct mount, its super_block, the file system type, the device name\n"
		"and the mount point.  -n PID|TASK shows that task's namespace.  -f adds\n"
		"the files open on each mount: the kernel keeps no per-superblock list of\n"
		"them, so they are gathered from every task's file table.\n\n"
		"EXAMPLES\n"
		"  kdive> mount\n"
		"       MOUNT           SUPERBLK      TYPE       DEVNAME      DIRNAME\n"
		"  ffff8c1ec1a4f000 ffff8c1ec1218800 rootfs     none         /\n"
		"  kdive> mount -f\n"
		"  kdive> mount --json | jq -r '.[] | .dirname'",
	.options = mount_opts,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS,
	.run = mount_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "mount",
	.version = "1",
	.commands = commands,
};
