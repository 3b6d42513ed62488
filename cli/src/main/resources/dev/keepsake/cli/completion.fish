# fish completion for kubectl-keepsake; install it with:
#   kubectl-keepsake completion fish > ~/.config/fish/completions/kubectl-keepsake.fish
# The candidates come from `kubectl-keepsake __complete WORDS...`.
function __kubectl_keepsake_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    $words[1] __complete $words[2..-1] $current 2>/dev/null | string match -v -r '^:[0-9]+$'
end
complete -c kubectl-keepsake -f -a '(__kubectl_keepsake_complete)'
