# bash completion for kubectl-keepsake; load it with: source <(kubectl-keepsake completion bash)
# The candidates come from `kubectl-keepsake __complete WORDS...`: commands, options, and the names of
# objects in the namespace the command line names.
_kubectl_keepsake() {
  local line="${COMP_LINE:0:COMP_POINT}"
  local -a words
  read -r -a words <<<"$line"
  [[ $line =~ [[:space:]]$ ]] && words+=("")
  local cur="${words[${#words[@]}-1]}"
  local out
  out="$("${words[0]}" __complete "${words[@]:1}" 2>/dev/null)" || return 0
  local directive="${out##*:}"
  # bash replaces only the part of the word after its last ':' or '=' (COMP_WORDBREAKS), so the
  # candidates lose what comes before: --context=arn:aws:eks:...:cluster/prod
  local prefix=""
  [[ $cur == *[:=]* ]] && prefix="${cur%"${cur##*[:=]}"}"
  COMPREPLY=()
  local candidate
  while IFS= read -r candidate; do
    candidate="${candidate%%$'\t'*}"
    [[ -n $candidate && $candidate == "$cur"* ]] && COMPREPLY+=("${candidate#"$prefix"}")
  done < <(printf '%s\n' "$out" | sed '$d')
  if ((${#COMPREPLY[@]} == 0 && (directive & 4) == 0)); then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "${cur#"$prefix"}")
  fi
}
complete -F _kubectl_keepsake kubectl-keepsake
