#!/usr/bin/env zsh
# zsh-complete.zsh COMPLETION_FILE LINE: prints, one per line, what zsh's completion
# system offers when TAB is pressed at the end of LINE, with COMPLETION_FILE as
# _netconsole-setup. zsh completes only inside its line editor, so this runs an
# interactive zsh on a pseudo-terminal (zsh/zpty) and records every compadd.
emulate -L zsh
zmodload zsh/zpty || exit 1
local file=$1 line=$2 dir
dir=$(mktemp -d) || exit 1
trap 'zpty -d complete 2>/dev/null; rm -rf $dir' EXIT
cp $file $dir/_netconsole-setup || exit 1

zpty complete zsh -f -i
zpty -w complete "PROMPT='' RPROMPT='' PS2=''"
zpty -w complete "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
# Record the matches compadd adds (not its -O/-A/-D queries), and leave after one TAB.
zpty -w complete 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a hits; builtin compadd -A hits "$@"; (( $#hits )) && builtin print -l -- "MATCH:"${^hits}; builtin compadd "$@" }'
zpty -w complete 'comppostfuncs=( __done ); __done() { builtin print -- "\nDO""NE"; exit }'
zpty -w complete "bindkey '^I' complete-word"
# The marker is split so that the echo of this command does not match it.
zpty -w complete 'builtin print -- RE""ADY'
local out
while zpty -r complete out; do [[ $out == *READY* ]] && break; done
zpty -w -n complete "$line"$'\t'
integer lines=0
while zpty -r complete out; do
    [[ $out == *DONE* ]] && break
    if [[ $out == *MATCH:* ]]; then
        out=${out#*MATCH:}
        print -r -- ${out%%[$'\r\n']*}
    fi
    (( ++lines > 5000 )) && break
done
