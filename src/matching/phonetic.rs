//! A consonant skeleton that makes romanisations of one name equal.
//!
//! Transliterated names differ mostly in vowels and in how a sound is spelt: Mohammed /
//! Muhammad / Mohamad, Yusuf / Youssef, Aleksandr / Alexander / Oleksandr, Dzhosef / Joseph,
//! Sergey / Sergei. The skeleton maps the spellings of one sound to one
//! letter, drops the vowels and collapses doubled letters. It is a blocking key and one
//! scoring feature: it says "sounds alike", never "is the same", so the scorer gives it less
//! than an exact token.
//!
//! Off-the-shelf phonetic codes (Soundex, Metaphone, Kölner Phonetik) are tuned to English or
//! German surnames and do not fold the transliteration digraphs (zh, kh, dzh, shch) that
//! dominate sanctions lists; this table is small, explicit and tested.

/// Multi-letter spellings first: longest match wins at each position.
const SPELLINGS: &[(&str, &str)] = &[
    ("shch", "s"),
    ("dzh", "j"),
    ("sch", "s"),
    ("tch", "c"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "z"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("ks", "x"),
    ("x", "x"),
    ("q", "k"),
    ("w", "v"),
    ("c", "k"),
];

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The skeleton of one lower-case ASCII token. Digits are kept as they are (vessel names,
/// "33 Light Infantry Division").
pub fn skeleton(token: &str) -> String {
    let bytes = token.as_bytes();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        for (from, to) in SPELLINGS {
            if bytes[i..].starts_with(from.as_bytes()) {
                push_collapsed(&mut out, to);
                i += from.len();
                continue 'outer;
            }
        }
        let c = bytes[i] as char;
        if !is_vowel(c) {
            push_collapsed(&mut out, c.encode_utf8(&mut [0; 4]));
        } else {
            // A vowel separates letters: "Hassan" keeps one s, but "Sasa" keeps both.
            out.push('.');
        }
        i += 1;
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars().filter(|c| *c != '.') {
        if collapsed.ends_with(c) {
            continue;
        }
        collapsed.push(c);
    }
    collapsed
}

fn push_collapsed(out: &mut String, piece: &str) {
    if !out.ends_with(piece) {
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::skeleton;

    fn same(names: &[&str]) {
        let first = skeleton(names[0]);
        for n in names {
            assert_eq!(skeleton(n), first, "{n} vs {}", names[0]);
        }
    }

    #[test]
    fn romanisations_of_one_name_share_a_skeleton() {
        same(&["mohammed", "muhammad", "mohamad", "mohamed", "mukhammad"]);
        same(&["yusuf", "youssef", "yousef", "yusef"]);
        same(&["aleksandr", "alexander", "oleksandr", "aleksander"]);
        same(&["dzhosef", "joseph", "josef"]);
        same(&["sergey", "sergei"]);
        same(&["vilson", "wilson"]);
        same(&["abdul", "abdal", "abdel"]);
        same(&["hafiz", "hafidh"]);
        same(&["shcherbakov", "scherbakov"]);
    }

    #[test]
    fn different_names_keep_different_skeletons() {
        assert_ne!(skeleton("daniil"), skeleton("denis"));
        assert_ne!(skeleton("petrov"), skeleton("pavlov"));
        assert_eq!(skeleton("valfajr2"), "vlfjr2");
    }
}
