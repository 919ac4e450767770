# SPDX-License-Identifier: GPL-2.0
# bash completion for ercoexistctl(8)

_ercoexistctl()
{
	local cur prev words cword
	_init_completion || return

	local cmds="load check showconf status get failover auto monitor flush daemon health"
	local globals="-j --json -p --pretty -n --netns -V --version -h --help"
	if [[ $prev == -n || $prev == --netns ]]; then
		COMPREPLY=($(compgen -W "$(ip netns list 2>/dev/null | awk '{print $1}')" -- "$cur"))
		return
	fi
	local i cmd=
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-n | --netns) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	case "$cmd" in
	load)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--check" -- "$cur"))
		else
			_filedir conf
			COMPREPLY+=($(compgen -W "-" -- "$cur"))
		fi
		;;
	check)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--strict --list-rules --help -" -- "$cur"))
		else
			_filedir conf
			COMPREPLY+=($(compgen -W "-" -- "$cur"))
		fi
		;;
	daemon)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		else
			_filedir conf
		fi
		;;
	failover)
		if [[ $prev == --to ]]; then
			COMPREPLY=($(compgen -W "vpn er" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--to" -- "$cur"))
		fi
		;;
	monitor)
		[[ $prev == --count ]] && return
		COMPREPLY=($(compgen -W "--count" -- "$cur"))
		;;
	health)
		if [[ $prev == --path ]]; then
			COMPREPLY=($(compgen -W "any er vpn" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "-q --quiet --path --help" -- "$cur"))
		fi
		;;
	esac
} &&
complete -F _ercoexistctl ercoexistctl
