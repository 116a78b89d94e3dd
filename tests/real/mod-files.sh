# SPDX-License-Identifier: GPL-3.0-or-later
# Checks shared by the mod -s/-S tests (t8109 amd64, t8110 arm64), sourced
# after fixture.sh.  The truth is outside kdive: binutils' nm reads each .ko
# (symbol values relative to their sections, sizes), the guest recorded
# /sys/module/M/sections (truth module_sections, format 3), and pahole
# decodes a .ko's split BTF over the debug vmlinux's.

# The symbols of module M as the .ko and the guest's section addresses place
# them: "NAME ADDRESS SIZE", .init sections left out (freed), and the Arm
# ELF ABI's mapping symbols ($x code, $d data: not objects, kallsyms skips
# them too), sorted.
ko_placed() { # M KO
	truth module_sections | awk -v m="$1" '$1 == m && $2 != "build-id" { print $2, $3 }' >"$TMP/secs"
	nm --format=sysv --defined-only "$2" | awk -F'|' 'NF >= 7 {
			gsub(/ /, "", $1); gsub(/ /, "", $2); gsub(/ /, "", $5); gsub(/ /, "", $7)
			if ($1 != "" && $7 !~ /^\.init/ && $1 !~ /^\$[xdat](\.|$)/) print $7, $1, $2, ($5 == "" ? 0 : $5) }' |
		awk 'NR == FNR { a[$1] = $2; next } ($1 in a) { print $2, a[$1], $3, $4 }' "$TMP/secs" - |
		while read -r name base value size; do
			printf '%s %016x %d\n' "$name" $((base + 0x$value)) $((0x$size))
		done | LC_ALL=C sort
}

# kdive's symbols of module M after the file was loaded: "NAME ADDRESS SIZE".
kd_placed() { # M DUMP-FILE
	run_kd -c "mod -s $1 $3; sym -m $1 --json" "$2"
	sed -n '/^{"symbols"/p' "$TMP/out" | jq -r '.symbols[] | "\(.name) \(.address | ltrimstr("0x")) \(.size // 0)"' |
		LC_ALL=C sort
}

# "OFFSET NAME" of struct S's members as pahole reads the .ko's BTF over BASE.
pahole_members() { # S KO BASE
	pahole --btf_base "$3" -C "$1" "$2" 2>/dev/null |
		awk '/^\t[^\t].*;.*\/\* +[0-9]+ +[0-9]+ \*\/$/ {
			split($0, p, ";"); n = split(p[1], w, /[ \t*]+/); name = w[n]; sub(/\[.*/, "", name)
			match($0, /\/\* +[0-9]+/); off = substr($0, RSTART + 2, RLENGTH - 2); gsub(/ /, "", off)
			print off, name }'
}

# The same from kdive's struct S -o.
kd_members() { # S DUMP-FILE [COMMANDS-BEFORE]
	run_kd -c "${3:+$3; }struct $1 -o" "$2"
	awk '/^ *\[[0-9]+\] / { off = $1; gsub(/[\[\]]/, "", off); split($0, p, ";"); n = split(p[1], w, /[ \t*]+/)
		name = w[n]; sub(/\[.*/, "", name); print off, name }' "$TMP/out"
}
