/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file fs.h
 * The dumped kernel's file system objects, shared by files, fuser, mount
 * (and later vm): path names built from a dentry and its mount the way the
 * kernel's d_path() builds them (fs/d_path.c prepend_path: up d_parent to the
 * mount's root, across to the parent mount at its mountpoint, up to the
 * namespace's root), a struct file's dentry, inode and mount, a task's open
 * file table (struct files_struct and struct fdtable, include/linux/fdtable.h),
 * its root and working directory (struct fs_struct), and the mounts of a
 * mount namespace (struct mnt_namespace, fs/mount.h: a list on older kernels,
 * an rbtree of mounts on newer ones, chosen by what the types show).
 * Every layout comes from the dump's BTF.
 */
#ifndef KDIVE_FS_H
#define KDIVE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** The longest path kd_fs_path() builds (PATH_MAX). */
enum { KD_FS_PATH_MAX = 4096 };

/**
 * The path of a dentry seen through a mount (a struct vfsmount address), as
 * /proc/PID/fd shows it: "/etc/passwd", "pipe:[1234]", "socket:[5678]",
 * "anon_inode:[eventfd]", with " (deleted)" for an unlinked file.  A name
 * that cannot be read makes the error (naming its address); buf then holds
 * what was built, as "?/rest".  With vfsmount 0 the path stops at the root
 * of the dentry's own file system (no mount is crossed).
 */
KD_API struct kd_error *kd_fs_path(struct kd_session *s, uint64_t vfsmount, uint64_t dentry,
				   char *buf, size_t size);

/** A dentry's own name (d_name) into buf. */
KD_API struct kd_error *kd_fs_dentry_name(struct kd_session *s, uint64_t dentry, char *buf,
					  size_t size);

/** What an open file is. */
struct kd_fs_file {
	uint64_t file;      /**< struct file */
	uint64_t vfsmount;  /**< file->f_path.mnt */
	uint64_t dentry;    /**< file->f_path.dentry */
	uint64_t inode;     /**< file->f_inode (or the dentry's d_inode) */
	uint64_t sb;        /**< the inode's super_block (0 if unread) */
	uint64_t mode;      /**< inode->i_mode */
	uint64_t ino;       /**< inode->i_ino */
};

/** Read a struct file's path, inode, mode and inode number. */
KD_API struct kd_error *kd_fs_file(struct kd_session *s, uint64_t file, struct kd_fs_file *ret);

/** An inode's file type as crash and ls name it: "REG", "DIR", "CHR", "BLK", "FIFO", "SOCK", "LNK" or "?". */
KD_API const char *kd_fs_mode_type(uint64_t mode);

/**
 * Called for each open file descriptor of a task, in fd order; return
 * non-zero to stop.  With err non-NULL the slot (or the page of slots from
 * fd on) could not be read: file is 0 and err says where.
 */
typedef int kd_fs_fd_fn(struct kd_session *s, uint64_t fd, uint64_t file,
			const struct kd_error *err, void *arg);

/**
 * Walk a task's file table (task->files->fdt): every non-NULL slot of
 * fd[0..max_fds).  *files_ret (may be NULL) gets the files_struct address
 * (0 for a task without one: a zombie, some kernel threads; fn is then not
 * called).  Errors only when the table itself cannot be reached; unreadable
 * slots are passed to fn.
 */
KD_API struct kd_error *kd_fs_task_files(struct kd_session *s, uint64_t task, uint64_t *files_ret,
					 kd_fs_fd_fn *fn, void *arg);

/** A task's root and working directory (task->fs: fs_struct.root, .pwd). */
struct kd_fs_task_dirs {
	uint64_t fs;                      /**< the fs_struct, 0 when the task has none */
	uint64_t root_mnt, root_dentry;
	uint64_t pwd_mnt, pwd_dentry;
};
KD_API struct kd_error *kd_fs_task_dirs(struct kd_session *s, uint64_t task,
					struct kd_fs_task_dirs *ret);

/** One mount of a namespace. */
struct kd_mount {
	uint64_t mount;       /**< struct mount */
	uint64_t vfsmount;    /**< its embedded struct vfsmount (mount + offset of .mnt) */
	uint64_t sb;          /**< vfsmount.mnt_sb */
	uint64_t root;        /**< vfsmount.mnt_root */
	int64_t id;           /**< mnt_id */
	char type[32];        /**< sb->s_type->name: "ext4", "proc"... ("?" if unread) */
	char devname[128];    /**< mnt_devname ("?" if unread) */
	const char *incomplete; /**< NULL, or which part could not be read */
};

/** Called for each mount; return non-zero to stop. */
typedef int kd_mount_fn(struct kd_session *s, const struct kd_mount *m, void *arg);

/**
 * The mount namespace a task sees (task->nsproxy->mnt_ns); 0 and no error
 * for a task without an nsproxy (one exiting).
 */
KD_API struct kd_error *kd_fs_task_mnt_ns(struct kd_session *s, uint64_t task, uint64_t *ns_ret);

/**
 * Every mount of a namespace in the order /proc/PID/mounts lists them: the
 * namespace's list (mnt_namespace.list through mount.mnt_list) or, on newer
 * kernels, its rbtree (mnt_namespace.mounts through mount.mnt_node).
 * Bounded and cycle-checked; a mount that cannot be read is passed with
 * incomplete set; a link that cannot be followed ends the walk with an
 * error naming it, after fn saw every mount before it.
 */
KD_API struct kd_error *kd_fs_mounts(struct kd_session *s, uint64_t mnt_ns, kd_mount_fn *fn,
				     void *arg);

#endif
