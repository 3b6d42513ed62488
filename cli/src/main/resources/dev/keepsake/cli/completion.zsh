#compdef kubectl-keepsake
# zsh completion for kubectl-keepsake; load it with: source <(kubectl-keepsake completion zsh)
# (after compinit). The candidates come from `kubectl-keepsake __complete WORDS...`.
_kubectl_keepsake() {
  local out directive line value description
  local -a lines candidates
  out="$(${(Q)words[1]} __complete "${(@Q)words[2,CURRENT]}" 2>/dev/null)" || return 1
  lines=("${(@f)out}")
  directive="${lines[-1]#:}"
  for line in "${(@)lines[1,-2]}"; do
    value="${line%%$'\t'*}"
    description=""
    [[ $line == *$'\t'* ]] && description="${line#*$'\t'}"
    candidates+=("${value//:/\\:}${description:+:$description}")
  done
  if ((${#candidates} > 0)); then
    _describe -t keepsake 'kubectl-keepsake' candidates
  elif (((directive & 4) == 0)); then
    _files
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _kubectl_keepsake "$@"
else
  compdef _kubectl_keepsake kubectl-keepsake
fi
