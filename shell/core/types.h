/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Types from BTF (shell/core/types.c), behind <kdive/types.h>.  The layer
 * hook kd_types_fini is declared in session_priv.h, kd_types_load in <kdive/types.h>.
 */
#ifndef KD_CORE_TYPES_H
#define KD_CORE_TYPES_H

#include <stdbool.h>
#include <stdint.h>

struct kd_session;

/*
 * A well-known global variable whose type BTF does not record: its C type
 * as text ("struct task_struct", "unsigned long", "char []").
 */
const char *kd_types_well_known(const char *symbol);

#endif
