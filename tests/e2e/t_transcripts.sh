# Transcripts with their recordings: a WebVTT, an SRT and a plain-text transcript, each
# beside an audio file of the same name, are packed; the bundle must hold the transcripts
# with speakers and time stamps, each recording attached to its transcript (parent field
# and "=> attachment:" line) and stored byte for byte. Audio beside an ordinary text
# article, or beside nothing, stays an entry of its own.
. "$E2E_LIB"

keygen demo
FIX="$ROOT/tests/data/input/transcript"
mkdir -p src/radio src/notes
cp "$FIX/2026-11-24-morning-radio.vtt" "$FIX/2026-11-23-evening_bulletin.srt" \
    "$FIX/2026-11-23-call-in.txt" src/radio/
python3 - <<'PY'
import random, struct, wave
rnd = random.Random(4)
def noise(n):
    return bytes(rnd.randrange(256) for _ in range(n))
# Ogg and MP3: only the extension matters to the packer; start them like the real thing
open("src/radio/2026-11-24-morning-radio.ogg", "wb").write(b"OggS\0\2" + noise(3000))
open("src/radio/2026-11-23-evening_bulletin.mp3", "wb").write(b"ID3\4\0\0" + noise(2500))
open("src/radio/jingle.opus", "wb").write(b"OggS\0\2" + noise(700))
# real WAV files: 0.2 s of a 440 Hz square wave, 8 kHz mono 16-bit
for path in ("src/radio/2026-11-23-call-in.wav", "src/notes/meeting.wav"):
    w = wave.open(path, "wb")
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(b"".join(struct.pack("<h", 8000 if (i // 9) % 2 else -8000)
                           for i in range(1600)))
    w.close()
PY
printf 'Meeting notes\n\nWe met at noon.\n\n[00:00:10] KIM: One stamped line.\n' > src/notes/meeting.txt

expect_exit 0 "$PACK" build src -o t.satchel -s demo.key --date 2026-11-25 --quiet
expect_exit 0 "$READ" list t.satchel -p demo.pub --json
cp "$T/out" list.json

# kinds, titles, dates and parents of every entry
python3 - list.json <<'PY' || fail "list --json: $(cat list.json)"
import json, sys
got = {e["id"]: e for e in json.load(open(sys.argv[1]))}
want = {
    "radio-2026-11-24-morning-radio": ("transcript", "새벽별 라디오 아침 소식", "2026-11-23T21:00:00Z", None),
    "radio-2026-11-24-morning-radio.ogg": ("audio", None, None, "radio-2026-11-24-morning-radio"),
    "radio-2026-11-23-evening_bulletin": ("transcript", "2026 11 23 evening bulletin", "2026-11-23", None),
    "radio-2026-11-23-evening_bulletin.mp3": ("audio", None, None, "radio-2026-11-23-evening_bulletin"),
    "radio-2026-11-23-call-in": ("transcript", "Village radio call-in, 23 November", "2026-11-23", None),
    "radio-2026-11-23-call-in.wav": ("audio", None, None, "radio-2026-11-23-call-in"),
    "radio-jingle.opus": ("audio", None, None, None),
    "notes-meeting": ("article", "Meeting notes", None, None),
    "notes-meeting.wav": ("audio", None, None, None),
}
bad = []
if sorted(got) != sorted(want):
    bad.append(("ids", sorted(got)))
for i, (kind, title, date, parent) in want.items():
    e = got.get(i, {})
    if e.get("kind") != kind or e.get("parent") != parent:
        bad.append((i, e))
    if title is not None and (e.get("title") != title or e.get("date") != date):
        bad.append((i, e))
if bad:
    print(bad)
    sys.exit(1)
PY

# the transcripts' text: speakers and time stamps kept, the recording linked last
expect_exit 0 "$READ" extract t.satchel --to ex -p demo.pub
for id in radio-2026-11-24-morning-radio radio-2026-11-23-evening_bulletin radio-2026-11-23-call-in; do
    [ -f "ex/$id.gmi" ] || fail "extract: no ex/$id.gmi: $(ls ex)"
done
# has FILE LINE: FILE holds LINE as a whole line
has() {
    grep -Fqx -- "$2" "$1" || fail "$1: no line '$2' in: $(cat "$1")"
}
v=ex/radio-2026-11-24-morning-radio.gmi
has "$v" "[00:00:00] 진행자: 안녕하십니까, 새벽별 라디오 아침 소식입니다."
has "$v" "[00:00:14] 박기자: 상인들은 <겨울 준비> 때문이라고 말합니다."
has "$v" "[00:00:14] 진행자: 고맙습니다."
has "$v" "[00:01:05] 진행자: 北韓(북한) 당국은 \"market day\"를 줄였습니다."
[ "$(tail -n 2 "$v")" = "
=> attachment:radio-2026-11-24-morning-radio.ogg Audio recording" ] || fail "$v: no audio link at the end: $(cat "$v")"
[ "$(grep -c '^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\] ' "$v")" -eq 10 ] || fail "$v: want 10 cue lines: $(cat "$v")"
s=ex/radio-2026-11-23-evening_bulletin.gmi
has "$s" "[00:00:01] KIM: Good evening from Seoul."
has "$s" "[00:00:07] - Will the roads close?"
has "$s" "[00:00:07] - Some of them, yes."
has "$s" "[00:00:09] PARK: 쌀값도 올랐습니다."
has "$s" "[01:00:00] KIM: 안녕히 계세요."
[ "$(tail -n 2 "$s")" = "
=> attachment:radio-2026-11-23-evening_bulletin.mp3 Audio recording" ] || fail "$s: no audio link at the end: $(cat "$s")"
cat > want-call-in.gmi <<'EOF'
[00:00:05] HOST: Good morning, this is the call-in hour.
[00:01:05] KIM: We need more seed before the spring.
[00:02:10] 이영희: 학교 지붕이 아직 샙니다. Our school roof still leaks.
[01:02:03] HOST: Thank you all. Call again next week.

=> attachment:radio-2026-11-23-call-in.wav Audio recording
EOF
cmp -s want-call-in.gmi ex/radio-2026-11-23-call-in.gmi ||
    { diff want-call-in.gmi ex/radio-2026-11-23-call-in.gmi; fail "call-in transcript body differs"; }
# the article keeps its stamped line and gets no audio link
printf 'We met at noon.\n\n[00:00:10] KIM: One stamped line.\n' > want-meeting.gmi
cmp -s want-meeting.gmi ex/notes-meeting.gmi || fail "notes-meeting: $(cat ex/notes-meeting.gmi)"

# the recordings come out byte for byte
for p in radio/2026-11-24-morning-radio.ogg radio/2026-11-23-evening_bulletin.mp3 \
    radio/2026-11-23-call-in.wav radio/jingle.opus notes/meeting.wav; do
    id=$(echo "$p" | tr / -)
    cmp -s "src/$p" "ex/$id" || fail "extract: $id differs from src/$p"
done

# show: what a reader sees, with the link to the recording
expect_exit 0 "$READ" show t.satchel radio-2026-11-23-call-in -p demo.pub
grep -Fq '[00:02:10] 이영희: 학교 지붕이 아직 샙니다.' "$T/out" || fail "show: no speaker line: $(cat "$T/out")"
grep -Fq 'attachment radio-2026-11-23-call-in.wav' "$T/out" || fail "show: no attachment: $(cat "$T/out")"
expect_exit 0 "$READ" list t.satchel -p demo.pub --kind transcript
[ "$(wc -l < "$T/out")" -eq 3 ] || fail "list --kind transcript: $(cat "$T/out")"
