// SPDX-License-Identifier: GPL-3.0-or-later
// File system objects of the dumped kernel (<kdive/fs.h>): path names from a
// dentry and its mount as fs/d_path.c builds them (prepend_path: the dentry's
// d_parent chain up to the mount's root, then the parent mount from its
// mountpoint, until a mount that is its own parent), names the kernel makes
// up for pseudo files (the d_op->d_dname of sockfs, pipefs, anon_inodefs:
// net/socket.c, fs/pipe.c, fs/anon_inodes.c), a task's file table
// (include/linux/fdtable.h), its fs_struct (include/linux/fs_struct.h) and
// the mounts of a namespace (fs/mount.h: mnt_namespace.list and
// mount.mnt_list before 6.8, the rbtree mnt_namespace.mounts and
// mount.mnt_node after; the types say which).  Every offset comes from BTF.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/fs.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/walk.h>

enum { MAX_DEPTH = 4096, MAX_FDS = 1 << 24 };

static struct kd_error *rd(struct kd_session *s, const char *type, const char *path, uint64_t addr,
			   uint64_t *ret)
{
	return kd_read_member_u64(s, type, path, addr, ret);
}

// True when err is NULL; destroys it.
static bool ok(struct kd_error *err)
{
	bool r = !err;
	kd_error_destroy(err);
	return r;
}

static uint64_t off_of(struct kd_session *s, const char *type, const char *path, struct kd_error **err)
{
	struct kd_member_info m;
	if (*err)
		return 0;
	*err = kd_type_member(s, type, path, &m);
	return *err ? 0 : m.offset;
}

// A NUL-terminated string of at most size - 1 bytes at va, read up to each
// page edge so that a string ending before an unreadable page is read.
static struct kd_error *read_cstr(struct kd_session *s, uint64_t va, char *buf, size_t size)
{
	size_t got = 0;
	while (got + 1 < size) {
		size_t n = 4096 - (size_t)((va + got) & 4095);
		if (n > size - 1 - got)
			n = size - 1 - got;
		struct kd_error *err = kd_read_kernel(s, va + got, buf + got, n);
		if (err) {
			buf[got] = '\0';
			return err;
		}
		char *z = memchr(buf + got, '\0', n);
		if (z)
			return NULL;
		got += n;
	}
	buf[got] = '\0';
	return NULL;
}

struct kd_error *kd_fs_dentry_name(struct kd_session *s, uint64_t dentry, char *buf, size_t size)
{
	uint64_t name, len;
	struct kd_error *err;
	if (!size)
		return NULL;
	buf[0] = '\0';
	if ((err = rd(s, "dentry", "d_name.name", dentry, &name)) ||
	    (err = rd(s, "dentry", "d_name.len", dentry, &len)))
		return kd_error_prefix(err, "dentry at 0x%" PRIx64, dentry);
	size_t n = len < size - 1 ? (size_t)len : size - 1;
	if (n && (err = kd_read_kernel(s, name, buf, n)))
		return kd_error_prefix(err, "name of dentry at 0x%" PRIx64, dentry);
	buf[n] = '\0';
	return NULL;
}

// Prepend "/name" (or text as it is, with slash false) to the path being
// built backwards from end; false when it does not fit.
static bool prepend(char *buf, size_t *pos, const char *text, bool slash)
{
	size_t n = strlen(text) + (slash ? 1 : 0);
	if (n > *pos)
		return false;
	*pos -= n;
	if (slash)
		buf[*pos] = '/';
	memcpy(buf + *pos + (slash ? 1 : 0), text, strlen(text));
	return true;
}

// The name the kernel makes up for a dentry whose d_op has d_dname, by
// which d_dname it is; false when it is not one kdive knows.
static bool pseudo_name(struct kd_session *s, uint64_t dentry, char *out, size_t size)
{
	uint64_t op, dname, inode, ino = 0;
	struct kd_error *err = rd(s, "dentry", "d_op", dentry, &op);
	if (!err && op)
		err = rd(s, "dentry_operations", "d_dname", op, &dname);
	if (err || !op || !dname) {
		kd_error_destroy(err);
		return false;
	}
	struct kd_symbol sym;
	uint64_t offset;
	if ((err = kd_symbol_at(s, dname, &sym, &offset)) || offset) {
		kd_error_destroy(err);
		return false;
	}
	if (ok(rd(s, "dentry", "d_inode", dentry, &inode)) && inode)
		kd_error_destroy(rd(s, "inode", "i_ino", inode, &ino));
	char name[256];
	if (strcmp(sym.name, "sockfs_dname") == 0) {
		snprintf(out, size, "socket:[%" PRIu64 "]", ino);
	} else if (strcmp(sym.name, "pipefs_dname") == 0) {
		snprintf(out, size, "pipe:[%" PRIu64 "]", ino);
	} else if (strcmp(sym.name, "anon_inodefs_dname") == 0) {
		if ((err = kd_fs_dentry_name(s, dentry, name, sizeof(name)))) {
			kd_error_destroy(err);
			snprintf(name, sizeof(name), "?");
		}
		snprintf(out, size, "anon_inode:%s", name);
	} else if (strcmp(sym.name, "simple_dname") == 0) {
		// fs/d_path.c simple_dname(): files made by alloc_file_pseudo() on
		// an internal mount (SysV shared memory, memfd...): "/NAME (deleted)".
		if ((err = kd_fs_dentry_name(s, dentry, name, sizeof(name)))) {
			kd_error_destroy(err);
			snprintf(name, sizeof(name), "?");
		}
		snprintf(out, size, "/%s (deleted)", name);
	} else {
		return false;
	}
	return true;
}

struct kd_error *kd_fs_path(struct kd_session *s, uint64_t vfsmount, uint64_t dentry, char *buf,
			    size_t size)
{
	struct kd_error *err = NULL;
	if (size < 2)
		return kd_error_create(KD_ERR_USAGE, "path buffer too small");
	buf[0] = '\0';
	uint64_t mnt_off = off_of(s, "mount", "mnt", &err);
	if (err)
		return err;
	// d_path(): a pseudo file that is not its mount's root is named by d_dname.
	uint64_t mroot = 0, parent = 0;
	if ((!vfsmount || ok(rd(s, "vfsmount", "mnt_root", vfsmount, &mroot))) &&
	    ok(rd(s, "dentry", "d_parent", dentry, &parent)) &&
	    (parent != dentry || dentry != mroot) && pseudo_name(s, dentry, buf, size))
		return NULL;
	char *tmp = malloc(KD_FS_PATH_MAX);
	if (!tmp)
		return &kd_enomem;
	size_t pos = KD_FS_PATH_MAX - 1;
	tmp[pos] = '\0';
	uint64_t mount = vfsmount - mnt_off;
	bool deleted = false;
	{
		uint64_t pprev = 1;
		if (ok(rd(s, "dentry", "d_hash.pprev", dentry, &pprev)) && !pprev && parent != dentry)
			deleted = true;
	}
	char name[256];
	// A mount that cannot be read: the rest of the path from the dentries
	// alone, up to their root (right unless another mount is stacked in
	// between), and the loss is the error.
	struct kd_error *mount_lost = NULL;
	bool crossing = vfsmount != 0;
	for (unsigned depth = 0; depth < MAX_DEPTH; depth++) {
		if ((err = kd_check_interrupt(s)))
			break;
		mroot = 0;
		if (crossing && (err = rd(s, "vfsmount", "mnt_root", mount + mnt_off, &mroot))) {
			mount_lost = kd_error_prefix(err, "mount at 0x%" PRIx64, mount);
			err = NULL;
			crossing = false;
		}
		if ((err = rd(s, "dentry", "d_parent", dentry, &parent))) {
			err = kd_error_prefix(err, "path of dentry 0x%" PRIx64, dentry);
			break;
		}
		if (crossing && dentry == mroot) {
			uint64_t pm, mp;
			if ((err = rd(s, "mount", "mnt_parent", mount, &pm)) ||
			    (err = rd(s, "mount", "mnt_mountpoint", mount, &mp))) {
				mount_lost = kd_error_prefix(err, "mount at 0x%" PRIx64, mount);
				err = NULL;
				crossing = false;
				continue;
			}
			if (pm == mount || !pm) // the namespace's root (or a detached mount)
				break;
			dentry = mp;
			mount = pm;
			continue;
		}
		if (parent == dentry) // the root (of a file system, or disconnected)
			break;
		if ((err = kd_fs_dentry_name(s, dentry, name, sizeof(name))))
			break;
		if (!prepend(tmp, &pos, name, true)) {
			err = kd_error_create(KD_ERR_CORRUPT, "path of dentry 0x%" PRIx64 " is longer than %d bytes",
					      dentry, KD_FS_PATH_MAX);
			break;
		}
		dentry = parent;
		if (depth + 1 == MAX_DEPTH)
			err = kd_error_create(KD_ERR_CORRUPT, "dentry 0x%" PRIx64 ": its parents do not end", dentry);
	}
	if (err)
		prepend(tmp, &pos, "?", false);
	else if (!tmp[pos])
		prepend(tmp, &pos, "/", false);
	snprintf(buf, size, "%s%s", tmp + pos, deleted ? " (deleted)" : "");
	free(tmp);
	if (err) {
		kd_error_destroy(mount_lost);
		return err;
	}
	return mount_lost ? kd_error_prefix(mount_lost, "path \"%s\" built from its dentries alone", buf) : NULL;
}

struct kd_error *kd_fs_file(struct kd_session *s, uint64_t file, struct kd_fs_file *ret)
{
	struct kd_error *err;
	memset(ret, 0, sizeof(*ret));
	ret->file = file;
	if ((err = rd(s, "file", "f_path.mnt", file, &ret->vfsmount)) ||
	    (err = rd(s, "file", "f_path.dentry", file, &ret->dentry)))
		return kd_error_prefix(err, "file at 0x%" PRIx64, file);
	err = rd(s, "file", "f_inode", file, &ret->inode);
	if (err || !ret->inode) {
		kd_error_destroy(err);
		if ((err = rd(s, "dentry", "d_inode", ret->dentry, &ret->inode)))
			return kd_error_prefix(err, "file at 0x%" PRIx64, file);
	}
	if (!ret->inode)
		return NULL;
	if ((err = rd(s, "inode", "i_mode", ret->inode, &ret->mode)) ||
	    (err = rd(s, "inode", "i_ino", ret->inode, &ret->ino)) ||
	    (err = rd(s, "inode", "i_sb", ret->inode, &ret->sb)))
		return kd_error_prefix(err, "inode at 0x%" PRIx64, ret->inode);
	return NULL;
}

const char *kd_fs_mode_type(uint64_t mode)
{
	// S_IFMT values of include/uapi/linux/stat.h (the same on every arch).
	switch (mode & 0170000) {
	case 0100000: return "REG";
	case 0040000: return "DIR";
	case 0020000: return "CHR";
	case 0060000: return "BLK";
	case 0010000: return "FIFO";
	case 0140000: return "SOCK";
	case 0120000: return "LNK";
	default: return "?";
	}
}

struct kd_error *kd_fs_task_files(struct kd_session *s, uint64_t task, uint64_t *files_ret,
				  kd_fs_fd_fn *fn, void *arg)
{
	uint64_t files, fdt, max, fdarr;
	struct kd_error *err;
	if (files_ret)
		*files_ret = 0;
	if ((err = rd(s, "task_struct", "files", task, &files)))
		return kd_error_prefix(err, "task at 0x%" PRIx64, task);
	if (files_ret)
		*files_ret = files;
	if (!files)
		return NULL;
	if ((err = rd(s, "files_struct", "fdt", files, &fdt)) ||
	    (err = rd(s, "fdtable", "max_fds", fdt, &max)) || (err = rd(s, "fdtable", "fd", fdt, &fdarr)))
		return kd_error_prefix(err, "file table of task 0x%" PRIx64 " (files_struct 0x%" PRIx64 ")",
				       task, files);
	if (max > MAX_FDS)
		return kd_error_create(KD_ERR_CORRUPT, "fdtable at 0x%" PRIx64 ": max_fds %" PRIu64, fdt, max);
	// A page of slots at a time: a missing page costs its slots only.
	uint64_t slots[512];
	for (uint64_t fd = 0; fd < max;) {
		if ((err = kd_check_interrupt(s)))
			return err;
		uint64_t va = fdarr + fd * 8;
		uint64_t n = (4096 - (va & 4095)) / 8;
		if (n > max - fd)
			n = max - fd;
		struct kd_error *e = kd_read_kernel(s, va, slots, (size_t)n * 8);
		if (e) {
			e = kd_error_prefix(e, "file descriptors %" PRIu64 "-%" PRIu64 " (fd array at 0x%" PRIx64 ")",
					    fd, fd + n - 1, va);
			int stop = fn(s, fd, 0, e, arg);
			kd_error_destroy(e);
			if (stop)
				return NULL;
		} else {
			for (uint64_t i = 0; i < n; i++) {
				uint64_t f = kd_dump_uint(s, &slots[i], 8);
				if (f && fn(s, fd + i, f, NULL, arg))
					return NULL;
			}
		}
		fd += n;
	}
	return NULL;
}

struct kd_error *kd_fs_task_dirs(struct kd_session *s, uint64_t task, struct kd_fs_task_dirs *ret)
{
	struct kd_error *err;
	memset(ret, 0, sizeof(*ret));
	if ((err = rd(s, "task_struct", "fs", task, &ret->fs)))
		return kd_error_prefix(err, "task at 0x%" PRIx64, task);
	if (!ret->fs)
		return NULL;
	if ((err = rd(s, "fs_struct", "root.mnt", ret->fs, &ret->root_mnt)) ||
	    (err = rd(s, "fs_struct", "root.dentry", ret->fs, &ret->root_dentry)) ||
	    (err = rd(s, "fs_struct", "pwd.mnt", ret->fs, &ret->pwd_mnt)) ||
	    (err = rd(s, "fs_struct", "pwd.dentry", ret->fs, &ret->pwd_dentry)))
		return kd_error_prefix(err, "fs_struct at 0x%" PRIx64, ret->fs);
	return NULL;
}

struct kd_error *kd_fs_task_mnt_ns(struct kd_session *s, uint64_t task, uint64_t *ns_ret)
{
	uint64_t nsproxy;
	struct kd_error *err;
	*ns_ret = 0;
	if ((err = rd(s, "task_struct", "nsproxy", task, &nsproxy)))
		return kd_error_prefix(err, "task at 0x%" PRIx64, task);
	if (nsproxy && (err = rd(s, "nsproxy", "mnt_ns", nsproxy, ns_ret)))
		return kd_error_prefix(err, "nsproxy at 0x%" PRIx64, nsproxy);
	return NULL;
}

static void read_mount(struct kd_session *s, uint64_t mount, uint64_t mnt_off, struct kd_mount *m)
{
	memset(m, 0, sizeof(*m));
	m->mount = mount;
	m->vfsmount = mount + mnt_off;
	snprintf(m->type, sizeof(m->type), "?");
	snprintf(m->devname, sizeof(m->devname), "?");
	uint64_t id = 0, dev = 0, stype = 0, tname = 0;
	struct kd_error *err;
	if ((err = rd(s, "vfsmount", "mnt_sb", m->vfsmount, &m->sb)) ||
	    (err = rd(s, "vfsmount", "mnt_root", m->vfsmount, &m->root)) ||
	    (err = rd(s, "mount", "mnt_id", mount, &id))) {
		m->incomplete = "struct mount unreadable";
		kd_error_destroy(err);
		return;
	}
	m->id = (int64_t)id;
	if ((err = rd(s, "mount", "mnt_devname", mount, &dev)) || !dev ||
	    (err = read_cstr(s, dev, m->devname, sizeof(m->devname)))) {
		if (err)
			m->incomplete = "mnt_devname unreadable";
		kd_error_destroy(err);
		if (!dev)
			snprintf(m->devname, sizeof(m->devname), "none");
	}
	if ((err = rd(s, "super_block", "s_type", m->sb, &stype)) ||
	    (err = rd(s, "file_system_type", "name", stype, &tname)) ||
	    (err = read_cstr(s, tname, m->type, sizeof(m->type)))) {
		m->incomplete = "file system type unreadable";
		snprintf(m->type, sizeof(m->type), "?");
		kd_error_destroy(err);
	}
}

// The walk of a namespace's mounts over the core walkers (<kdive/walk.h>).
struct mounts_walk {
	uint64_t ns, link_off, mnt_off;
	kd_mount_fn *fn;
	void *arg;
	size_t lost;
};

static int mounts_each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct mounts_walk *mw = arg;
	struct kd_mount m;
	read_mount(s, it->addr - mw->link_off, mw->mnt_off, &m);
	return mw->fn(s, &m, mw->arg);
}

static void mounts_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	struct mounts_walk *mw = arg;
	kd_warn(s, "the mounts of namespace 0x%" PRIx64 ": 0x%" PRIx64 ": %s", mw->ns, addr,
		why ? why->msg : "unreadable");
	mw->lost++;
}

struct kd_error *kd_fs_mounts(struct kd_session *s, uint64_t mnt_ns, kd_mount_fn *fn, void *arg)
{
	struct kd_error *err = NULL;
	struct mounts_walk mw = { .ns = mnt_ns, .fn = fn, .arg = arg };
	mw.mnt_off = off_of(s, "mount", "mnt", &err);
	if (err)
		return err;
	struct kd_walk w = { .fn = mounts_each, .lost = mounts_lost, .arg = &mw };
	struct kd_member_info m;
	// Before 6.8 a list (mnt_namespace.list through mount.mnt_list), since an
	// rbtree (mnt_namespace.mounts through mount.mnt_node): as the types say.
	if (!(err = kd_type_member(s, "mnt_namespace", "list", &m))) {
		mw.link_off = off_of(s, "mount", "mnt_list", &err);
		if (!err)
			err = kd_walk_list(s, mnt_ns + m.offset, &w);
	} else {
		kd_error_destroy(err);
		err = NULL;
		uint64_t root = off_of(s, "mnt_namespace", "mounts", &err);
		mw.link_off = off_of(s, "mount", "mnt_node", &err);
		if (err) {
			kd_error_destroy(err);
			return kd_error_create(KD_ERR_UNSUPPORTED, "this kernel's struct mnt_namespace has neither "
					       "a mount list nor a mount tree");
		}
		err = kd_walk_rbtree(s, mnt_ns + root, &w);
	}
	if (!err && mw.lost)
		err = kd_error_create(KD_ERR_NODATA, "%zu mount(s) or link(s) of the namespace lost (named above)",
				      mw.lost);
	return err;
}
