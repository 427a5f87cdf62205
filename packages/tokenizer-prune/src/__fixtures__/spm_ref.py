# Reference SentencePiece encoder/decoder for the tests: python3-sentencepiece (Debian's
# build of google/sentencepiece), driven through JSON on stdin/stdout.
#   spm_ref.py encode MODEL   stdin: ["text", ...]        stdout: [[id, ...], ...]
#   spm_ref.py decode MODEL   stdin: [[id, ...], ...]     stdout: ["text", ...]
#   spm_ref.py info MODEL     stdout: {"size": n, "pieces": [...], "bos": id, "eos": id, "unk": id, "pad": id}
import json
import sys

import sentencepiece as spm

cmd, model = sys.argv[1], sys.argv[2]
sp = spm.SentencePieceProcessor()
if not sp.Load(model):
    sys.exit("cannot load " + model)
if cmd == "encode":
    texts = json.load(sys.stdin)
    json.dump([sp.EncodeAsIds(t) for t in texts], sys.stdout)
elif cmd == "decode":
    ids = json.load(sys.stdin)
    json.dump([sp.DecodeIds(x) for x in ids], sys.stdout, ensure_ascii=False)
elif cmd == "info":
    json.dump(
        {
            "size": sp.GetPieceSize(),
            "pieces": [sp.IdToPiece(i) for i in range(sp.GetPieceSize())],
            "bos": sp.bos_id(),
            "eos": sp.eos_id(),
            "unk": sp.unk_id(),
            "pad": sp.pad_id(),
        },
        sys.stdout,
        ensure_ascii=False,
    )
else:
    sys.exit("unknown command " + cmd)
