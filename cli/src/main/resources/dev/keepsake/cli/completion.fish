# fish completion for kubectl-keepsake; install it with:
#   kubectl-keepsake completion fish > ~/.config/fish/completions/kubectl-keepsake.fish
# The candidates come from `kubectl-keepsake __complete WORDS...`.
function __kubectl_keepsake_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    $words[1] __complete $words[2..-1] $current 2>/dev/null | string match -v -r '^:[0-9]+$'
end
# File names only where a file is asked for: the value of --kubeconfig.
function __kubectl_keepsake_wants_file
    set -l words (commandline -opc)
    test "$words[-1]" = --kubeconfig
end
complete -c kubectl-keepsake -f -n 'not __kubectl_keepsake_wants_file' -a '(__kubectl_keepsake_complete)'
complete -c kubectl-keepsake -F -n '__kubectl_keepsake_wants_file'
