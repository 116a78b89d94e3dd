// SPDX-License-Identifier: GPL-3.0-or-later
// The shell object's lifecycle, the command registry and the module loader.
// A module is a shared object
// exporting `kd_module_info` (see <kdive/module.h>); it is opened with
// RTLD_NOW|RTLD_LOCAL, checked, and on any failure closed again with an error
// that names the file and the reason.
#include <dirent.h>
#include <errno.h>
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

#ifndef KD_INSTALL_MODDIR
#define KD_INSTALL_MODDIR "/usr/local/lib/kdive/commands"
#endif

void kd_shell_init(struct kd_shell *sh, struct kd_session *s)
{
	*sh = (struct kd_shell){ .s = s, .scroll = true };
	kd_builtins_register(sh);
}

void kd_shell_deinit(struct kd_shell *sh)
{
	kd_module_unload_all(sh);
	for (int i = 0; i < sh->ndeferred; i++)
		kd_deferred_free(&sh->deferred[i]);
	free(sh->deferred);
	for (int i = 0; i < sh->naliases; i++) {
		free(sh->aliases[i].name);
		free(sh->aliases[i].expansion);
	}
	free(sh->aliases);
	free(sh->cmds);
	if (sh->s && sh->s->shell == sh)
		sh->s->shell = NULL;
	*sh = (struct kd_shell){ 0 };
}

static struct kd_error *module_load(struct kd_shell *sh, const char *path, unsigned seq);

/* Opens the deferred module at index i (it leaves the list); a failure is reported as at start. */
static void load_deferred(struct kd_shell *sh, int i)
{
	struct kd_deferred d = sh->deferred[i];
	memmove(&sh->deferred[i], &sh->deferred[i + 1], (size_t)(sh->ndeferred - i - 1) * sizeof(d));
	sh->ndeferred--;
	struct kd_error *err = module_load(sh, d.path, d.seq);
	if (err) {
		fprintf(stderr, "kdive: %s\n", err->msg);
		kd_error_destroy(err);
	}
	kd_deferred_free(&d);
}

void kd_shell_load_deferred(struct kd_shell *sh)
{
	while (sh->ndeferred)
		load_deferred(sh, 0);
}

static const struct kd_command *find_loaded(const struct kd_shell *sh, const char *name)
{
	for (int i = 0; i < sh->ncmds; i++)
		if (strcmp(sh->cmds[i].cmd->name, name) == 0)
			return sh->cmds[i].cmd;
	return NULL;
}

const struct kd_command *kd_shell_find(struct kd_shell *sh, const char *name)
{
	const struct kd_command *cmd = find_loaded(sh, name);
	for (int i = 0; !cmd && i < sh->ndeferred; i++)
		for (int j = 0; j < sh->deferred[i].ncmds; j++)
			if (strcmp(sh->deferred[i].cmds[j], name) == 0) {
				char *path = strdup(sh->deferred[i].path);
				load_deferred(sh, i);
				cmd = find_loaded(sh, name);
				if (!cmd)
					fprintf(stderr, "kdive: module '%s' does not define '%s' (its module list in the cache is stale)\n",
						path ? path : "?", name);
				free(path);
				return cmd;
			}
	return cmd;
}

struct kd_error *kd_shell_register(struct kd_shell *sh, const struct kd_command *cmd,
				   struct kd_loaded_module *owner)
{
	if (!cmd->name || !*cmd->name || !cmd->run)
		return kd_error_create(KD_ERR_USAGE, "a command has no name or no run function");
	for (int i = 0; i < sh->ncmds; i++)
		if (strcmp(sh->cmds[i].cmd->name, cmd->name) == 0)
			return kd_error_create(KD_ERR_USAGE, "command '%s' is already defined by %s",
					       cmd->name,
					       sh->cmds[i].owner ? sh->cmds[i].owner->path : "the shell");
	struct kd_cmd_entry *n = realloc(sh->cmds, (size_t)(sh->ncmds + 1) * sizeof(*n));
	if (!n)
		return &kd_enomem;
	sh->cmds = n;
	sh->cmds[sh->ncmds++] = (struct kd_cmd_entry){ cmd, owner };
	return NULL;
}

static void unregister_owner(struct kd_shell *sh, struct kd_loaded_module *owner)
{
	int j = 0;
	for (int i = 0; i < sh->ncmds; i++)
		if (sh->cmds[i].owner != owner)
			sh->cmds[j++] = sh->cmds[i];
	sh->ncmds = j;
}

const char *kd_path_base(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

struct kd_error *kd_module_load(struct kd_shell *sh, const char *path)
{
	return module_load(sh, path, sh->next_seq++);
}

static struct kd_error *module_load(struct kd_shell *sh, const char *path, unsigned seq)
{
	// dlopen searches the library path for names without a slash; a module
	// is always a file, so make relative names explicit.
	char buf[PATH_MAX];
	if (!strchr(path, '/')) {
		snprintf(buf, sizeof(buf), "./%s", path);
		path = buf;
	}
	if (access(path, R_OK) != 0)
		return kd_error_os(errno, "cannot load module '%s'", path);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return kd_error_create(KD_ERR_UNSUPPORTED, "cannot load module '%s': %s", path, dlerror());
	struct kd_error *err = NULL;
	const struct kd_module *mod = dlsym(h, "kd_module_info");
	if (!mod) {
		err = kd_error_create(KD_ERR_UNSUPPORTED,
				      "'%s' is not a kdive module (no kd_module_info descriptor)", path);
		goto fail;
	}
	if (mod->abi != KD_MODULE_ABI) {
		err = kd_error_create(KD_ERR_UNSUPPORTED,
				      "module '%s' was built for module ABI %u, this kdive has ABI %u", path,
				      mod->abi, KD_MODULE_ABI);
		goto fail;
	}
	if (mod->struct_size < offsetof(struct kd_module, fini) + sizeof(mod->fini) || !mod->name ||
	    !mod->commands) {
		err = kd_error_create(KD_ERR_UNSUPPORTED, "module '%s' has a malformed descriptor", path);
		goto fail;
	}
	for (int i = 0; i < sh->nmods; i++)
		if (strcmp(sh->mods[i]->mod->name, mod->name) == 0) {
			err = kd_error_create(KD_ERR_USAGE, "module '%s' is already loaded from %s",
					      mod->name, sh->mods[i]->path);
			goto fail;
		}
	struct kd_loaded_module *lm = calloc(1, sizeof(*lm));
	struct kd_loaded_module **mods = realloc(sh->mods, (size_t)(sh->nmods + 1) * sizeof(*mods));
	if (!lm || !mods || !(lm->path = strdup(path))) {
		free(lm);
		if (mods)
			sh->mods = mods;
		err = &kd_enomem;
		goto fail;
	}
	sh->mods = mods;
	lm->handle = h;
	lm->mod = mod;
	for (const struct kd_command *c = mod->commands; c->name; c++) {
		err = kd_shell_register(sh, c, lm);
		if (err) {
			unregister_owner(sh, lm);
			err = kd_error_prefix(err, "cannot load module '%s'", path);
			free(lm->path);
			free(lm);
			goto fail;
		}
	}
	if (mod->init) {
		err = mod->init(sh->s);
		if (err) {
			unregister_owner(sh, lm);
			err = kd_error_prefix(err, "module '%s' failed to initialize", mod->name);
			free(lm->path);
			free(lm);
			goto fail;
		}
	}
	lm->seq = seq;
	int at = sh->nmods;
	while (at > 0 && sh->mods[at - 1]->seq > seq)
		at--;
	memmove(&sh->mods[at + 1], &sh->mods[at], (size_t)(sh->nmods - at) * sizeof(*sh->mods));
	sh->mods[at] = lm;
	sh->nmods++;
	return NULL;
fail:
	dlclose(h);
	return err;
}

struct kd_error *kd_module_unload(struct kd_shell *sh, const char *name)
{
	for (int i = 0; i < sh->nmods; i++) {
		struct kd_loaded_module *lm = sh->mods[i];
		if (strcmp(lm->mod->name, name) != 0 && strcmp(kd_path_base(lm->path), name) != 0)
			continue;
		if (lm->mod->fini)
			lm->mod->fini(sh->s);
		unregister_owner(sh, lm);
		dlclose(lm->handle);
		free(lm->path);
		free(lm);
		memmove(&sh->mods[i], &sh->mods[i + 1], (size_t)(sh->nmods - i - 1) * sizeof(*sh->mods));
		sh->nmods--;
		return NULL;
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no module named '%s' is loaded", name);
}

void kd_module_unload_all(struct kd_shell *sh)
{
	while (sh->nmods)
		kd_error_destroy(kd_module_unload(sh, sh->mods[sh->nmods - 1]->mod->name));
	free(sh->mods);
	sh->mods = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kd_module_load_dir(struct kd_shell *sh, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".so") != 0)
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn)
			break;
		names = nn;
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);  // stable order
	bool deferred = n > 0 && kd_module_cache_defer(sh, dir, names, n), failed = false;
	for (size_t i = 0; !deferred && i < n; i++) {
		struct kd_error *err = kd_module_load(sh, names[i]);
		if (err) {
			fprintf(stderr, "kdive: %s\n", err->msg);
			kd_error_destroy(err);
			failed = true; // no list then: the next run reports it again
		}
	}
	if (n && !deferred && !failed)
		kd_module_cache_store(sh, dir, names, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

// Uninstalled runs (make && ./kdive) use the modules just built beside the
// binary; installed ones use $(pkglibdir)/commands.  $KDIVE_MODULE_PATH adds
// more directories (colon-separated).
void kd_module_load_default(struct kd_shell *sh)
{
	const char *dir = KD_INSTALL_MODDIR;
#ifdef KD_BUILD_BINARY
	char self[PATH_MAX], build[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l > 0) {
		self[l] = '\0';
		if (realpath(KD_BUILD_BINARY, build) && strcmp(self, build) == 0)
			dir = KD_BUILD_MODDIR;
	}
#endif
	kd_module_load_dir(sh, dir);
	const char *extra = getenv("KDIVE_MODULE_PATH");
	if (extra && *extra) {
		char *copy = strdup(extra), *save = NULL;
		for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; p; p = strtok_r(NULL, ":", &save))
			kd_module_load_dir(sh, p);
		free(copy);
	}
}
