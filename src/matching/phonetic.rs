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
    ("ou", "u"),
    ("oo", "u"),
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

/// The spelling of one lower-case ASCII token with each sound written one way and doubled
/// letters single, vowels kept: "dzhosef" and "joseph" both become "josef".
pub fn spelling(token: &str) -> String {
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
        let mut buffer = [0; 4];
        let c = if bytes[i] == b'y' { 'i' } else { bytes[i] as char };
        push_collapsed(&mut out, c.encode_utf8(&mut buffer));
        i += 1;
    }
    out
}

/// The consonant skeleton of a token: its `spelling` without vowels. Letters separated by a
/// vowel stay two ("Khalili" → "hll"), so only adjacent doubles fold. Digits are kept as they
/// are (vessel names, "33 Light Infantry Division").
pub fn skeleton(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut after_vowel = false;
    for c in spelling(token).chars() {
        // Ukrainian writes h where Russian writes g (Ihor / Igor, Oleh / Oleg).
        let c = if c == 'g' { 'h' } else { c };
        if is_vowel(c) {
            after_vowel = true;
            continue;
        }
        if !out.ends_with(c) || after_vowel {
            out.push(c);
        }
        after_vowel = false;
    }
    out
}

/// A skeleton as Arabic script would write it: no p (written b) and no v (written f).
pub fn abjad_skeleton(skeleton: &str) -> String {
    skeleton
        .chars()
        .map(|c| match c {
            'p' => 'b',
            'v' => 'f',
            c => c,
        })
        .collect()
}

/// Whether two spellings start alike: the same letter, two vowels ("Aleksandr" /
/// "Oleksandr"), or g and h (Russian "Gennadiy" / Ukrainian "Hennadiy").
pub fn same_start(a: &str, b: &str) -> bool {
    let class = |s: &str| {
        s.chars().next().map(|c| {
            if is_vowel(c) {
                'a'
            } else if c == 'g' {
                'h'
            } else {
                c
            }
        })
    };
    class(a) == class(b)
}

fn push_collapsed(out: &mut String, piece: &str) {
    if !out.ends_with(piece) {
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::{skeleton, spelling};

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
        same(&["igor", "ihor"]);
    }

    #[test]
    fn different_names_keep_different_skeletons() {
        assert_ne!(skeleton("daniil"), skeleton("denis"));
        assert_ne!(skeleton("petrov"), skeleton("pavlov"));
        assert_ne!(skeleton("khalili"), skeleton("hala"));
        assert_eq!(skeleton("valfajr2"), "vlfjr2");
        assert_eq!(spelling("dzhosef"), spelling("joseph"));
    }
}
