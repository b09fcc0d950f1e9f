// Package translate runs Apertium offline as a long-lived pipeline: English
// questions into Italian (English→Spanish→Italian; Debian has no
// English–Italian pair), so retrieval over Italian news can match the words
// an English question asks about, and Italian quotes into English
// (Italian→Spanish→English), so an English reader gets the gist of a quote
// beside its verbatim text.
//
// Apertium's own "apertium" script cannot stay running: its text
// deformatter reads to end of input before it writes anything. The
// Translator therefore starts the programs of each pair's .mode file itself,
// each with its null-flush flag (-z), chains their pipes, and does the
// deformatting in Go: one question goes in as one NUL-terminated record and
// comes out as one. Each record carries a sequence tag (a superblank, which
// Apertium passes through untouched), so an answer can never be handed to
// the wrong question. lt-proc's bilingual and generation modes (lttoolbox
// 3.7) take -z but leave the record in stdio's buffer, so lt-proc runs under
// "stdbuf -o0".
//
// Measured on two shared AMD EPYC cores: starting a pipeline takes about
// 0.25 s (the dictionaries load), one question then about 5 ms, and a batch
// about 470 questions a second; one "apertium -u eng-spa | apertium -u
// spa-ita" run per question takes 0.4 to 0.5 s.
//
// The translation is rough but keeps content words ("How many North Korean
// soldiers were killed during the Kursk operation?" → "Quante soldate
// coreani Del nord sono stato assassinato durante il Kursk operazione?");
// unknown words pass through unchanged, without Apertium's marks. Apertium is GPL:
// this package only runs its programs and never copies its data.
package translate
