# bash completion for onnxlint
_onnxlint()
{
    local cur prev words cword
    _init_completion || return
    local commands="check shapes inspect run dot explain"
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --format|-f)
            case ${words[1]} in
                check) COMPREPLY=($(compgen -W "text json sarif" -- "$cur")) ;;
                dot) COMPREPLY=($(compgen -W "dot svg png" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
            esac
            return ;;
        --fail-on) COMPREPLY=($(compgen -W "error warning note never" -- "$cur")); return ;;
        --loss)
            COMPREPLY=($(compgen -W "cross_entropy nll bce_with_logits bce mse l1 smooth_l1 huber kl_div ctc
                sparse_categorical_crossentropy categorical_crossentropy binary_crossentropy" -- "$cur"))
            return ;;
        --inputs|--outputs) _filedir -d; return ;;
        -o|--output) _filedir; return ;;
        --config|--baseline|--write-baseline|--files-from) _filedir; return ;;
        --labels|--logits|--dim|--seed|--shard|--around|--depth|--input|--op|--name|--jobs|-j) return ;;
    esac
    case ${words[1]} in
        explain)
            COMPREPLY=($(compgen -W "label-dtype label-rank class-count batch-mismatch class-axis
                probabilities-as-logits logits-as-probabilities broadcast-loss ignore-index shape-error type-error
                declared-shape-mismatch undefined-value duplicate-name not-topological cycle unknown-op opset
                unused-input dead-node unknown-shape" -- "$cur"))
            return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts="--help --format"
        case ${words[1]} in
            check) opts+=" --loss --labels --logits --from-logits --dim --seed --input --no-confirm --fail-on
                --config --baseline --write-baseline --jobs --shard --files-from" ;;
            shapes) opts+=" --output --op --name" ;;
            inspect) opts+=" --op --name" ;;
            run) opts="--help --inputs --input --outputs" ;;
            dot) opts+=" --output --around --depth" ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    _filedir '@(onnx)'
} &&
    complete -F _onnxlint onnxlint
