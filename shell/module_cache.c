// SPDX-License-Identifier: GPL-3.0-or-later
// Command modules loaded on first use.  Opening all 31 modules with dlopen()
// cost ~3 ms of every run, more than a whole `log`; a batch run needs one or
// two of them.  So the shell keeps, per module directory, a list of which
// file defines which commands (the module list, in the per-user cache beside
// the index cache: $XDG_CACHE_HOME/kdive/modules/).  When every module file
// in the directory is the one the list describes (same name, size,
// modification time and inode) and kdive itself is the same binary, the
// commands are registered as deferred: the module is opened by
// kd_shell_find() when one of its commands is first looked up.  Otherwise
// every module is opened, as before, and the list is written anew when all of
// them loaded.  The list is only a hint: a module that turns out not to
// define a command it was listed with is reported, never trusted;
// --no-cache (kd_shell.no_cache) opens every module at start.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/index_cache.h"
#include "shell.h"

enum { LINE_MAX_LEN = 4096, MAX_CMDS = 64 };

static const char magic[] = "kdive-modules 1";

/* KDIVE_CACHE_TRACE=1: what the module list did, on stderr (as index_cache.c does). */
static void trace(const char *dir, const char *what)
{
	if (kd_cache_tracing())
		fprintf(stderr, "kdive: module list: %s: %s\n", dir, what);
}

/* The file's identity: a module rebuilt or replaced has another. */
struct ident {
	uint64_t size, mtime_ns, ino;
};

static bool ident_of(const char *path, struct ident *ret)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	*ret = (struct ident){ (uint64_t)st.st_size,
			       (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec,
			       (uint64_t)st.st_ino };
	return true;
}

/* The list file of dir (absolute), or false when there is no cache directory. */
static bool list_path(const char *dir, char *cdir, size_t csize, char *file, size_t fsize)
{
	if (!kd_cache_dir("modules", cdir, csize))
		return false;
	// One list file per directory, named by a hash of its name.
	int r = snprintf(file, fsize, "%s/%016" PRIx64, cdir, kd_hash64_str(dir));
	return r > 0 && (size_t)r < fsize;
}

/* The first line: the list's version, the module ABI, the directory and kdive's own identity. */
static bool header(const char *dir, char *buf, size_t size)
{
	// The binary by its name (under valgrind, /proc/self/exe itself is the tool).
	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct ident self;
	if (l <= 0)
		return false;
	exe[l] = '\0';
	if (!ident_of(exe, &self))
		return false;
	int r = snprintf(buf, size, "%s %d %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n", magic, KD_MODULE_ABI,
			 self.size, self.mtime_ns, self.ino, dir);
	return r > 0 && (size_t)r < size;
}

static bool plain_word(const char *s)
{
	return *s && !strpbrk(s, " \t\n\r");
}

void kd_deferred_free(struct kd_deferred *d)
{
	free(d->path);
	for (int i = 0; i < d->ncmds; i++)
		free(d->cmds[i]);
	free(d->cmds);
	*d = (struct kd_deferred){ 0 };
}

/* Parses "FILE SIZE MTIME INO CMD..." for the module at path; false if it does not match. */
static bool parse_line(char *line, const char *path, struct kd_deferred *d)
{
	char *save = NULL, *w = strtok_r(line, " \n", &save);
	struct ident want, have;
	if (!w || strcmp(w, kd_path_base(path)) != 0 || !ident_of(path, &have))
		return false;
	uint64_t *f[] = { &want.size, &want.mtime_ns, &want.ino };
	for (size_t i = 0; i < 3; i++) {
		char *end;
		if (!(w = strtok_r(NULL, " \n", &save)))
			return false;
		errno = 0;
		*f[i] = strtoull(w, &end, 10);
		if (*end || errno)
			return false;
	}
	if (want.size != have.size || want.mtime_ns != have.mtime_ns || want.ino != have.ino)
		return false;
	*d = (struct kd_deferred){ .path = strdup(path) };
	if (!d->path || !(d->cmds = calloc(MAX_CMDS, sizeof(*d->cmds))))
		return false;
	while ((w = strtok_r(NULL, " \n", &save))) {
		if (d->ncmds == MAX_CMDS || !(d->cmds[d->ncmds] = strdup(w)))
			return false;
		d->ncmds++;
	}
	return d->ncmds > 0;
}

bool kd_module_cache_defer(struct kd_shell *sh, const char *dir, char *const *paths, size_t n)
{
	char cdir[4096], file[4096 + 32], want[LINE_MAX_LEN], line[LINE_MAX_LEN];
	if (sh->no_cache || dir[0] != '/' || !list_path(dir, cdir, sizeof(cdir), file, sizeof(file)) ||
	    !header(dir, want, sizeof(want)))
		return false;
	FILE *f = fopen(file, "re");
	if (!f) {
		trace(dir, "none yet");
		return false;
	}
	struct kd_deferred *ds = calloc(n ? n : 1, sizeof(*ds));
	bool ok = ds && fgets(line, sizeof(line), f) && strcmp(line, want) == 0;
	size_t got = 0;
	for (; ok && got < n; got++)
		ok = fgets(line, sizeof(line), f) && strchr(line, '\n') && parse_line(line, paths[got], &ds[got]);
	// Exactly these modules: a file added to the directory is opened at start.
	ok = ok && !fgets(line, sizeof(line), f);
	fclose(f);
	struct kd_deferred *all = ok ? realloc(sh->deferred, (size_t)(sh->ndeferred + (int)n) * sizeof(*all)) : NULL;
	if (!all) {
		for (size_t i = 0; ds && i < n; i++)
			kd_deferred_free(&ds[i]);
		free(ds);
		trace(dir, "does not describe these modules: each is opened");
		return false;
	}
	sh->deferred = all;
	for (size_t i = 0; i < n; i++) {
		ds[i].seq = sh->next_seq++;
		sh->deferred[sh->ndeferred++] = ds[i];
	}
	free(ds);
	trace(dir, "used: modules open on first use");
	return true;
}

/* Writes the line of one loaded module into buf; false if it cannot be listed. */
static bool module_line(const struct kd_shell *sh, const char *path, char *buf, size_t size)
{
	const struct kd_loaded_module *lm = NULL;
	for (int i = 0; i < sh->nmods && !lm; i++)
		if (strcmp(sh->mods[i]->path, path) == 0)
			lm = sh->mods[i];
	struct ident id;
	if (!lm || !plain_word(kd_path_base(path)) || !ident_of(path, &id))
		return false;
	int r = snprintf(buf, size, "%s %" PRIu64 " %" PRIu64 " %" PRIu64, kd_path_base(path), id.size, id.mtime_ns,
			 id.ino);
	int ncmds = 0;
	for (const struct kd_command *c = lm->mod->commands; c->name; c++, ncmds++) {
		if (r < 0 || (size_t)r >= size || ncmds == MAX_CMDS || !plain_word(c->name))
			return false;
		r += snprintf(buf + r, size - (size_t)r, " %s", c->name);
	}
	if (r < 0 || (size_t)r + 2 > size || !ncmds)
		return false;
	memcpy(buf + r, "\n", 2);
	return true;
}

void kd_module_cache_store(struct kd_shell *sh, const char *dir, char *const *paths, size_t n)
{
	char cdir[4096], file[4096 + 32], line[LINE_MAX_LEN];
	if (sh->no_cache || dir[0] != '/' || !list_path(dir, cdir, sizeof(cdir), file, sizeof(file)) ||
	    !header(dir, line, sizeof(line)))
		return;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	bool ok = fputs(line, m) >= 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = module_line(sh, paths[i], line, sizeof(line)) && fputs(line, m) >= 0;
	ok = fclose(m) == 0 && ok;
	// A read-only home only costs the speed.
	ok = ok && kd_cache_write(cdir, file, buf, len);
	free(buf);
	trace(dir, ok ? "written" : "not written");
}
