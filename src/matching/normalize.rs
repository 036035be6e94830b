//! Name → comparable tokens. Both sides of a comparison (list names when the index is built,
//! the query at screening time) go through exactly this function, so whatever it folds
//! (case, punctuation, diacritics, scripts, look-alike letters, invisible characters, legal
//! forms) cannot make two spellings of one name differ.

use super::phonetic;

/// Where a token's letters came from. Arabic and Persian script write no short vowels, so a
/// token transliterated from them is compared by its consonants only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Latin,
    /// Cyrillic, Greek and other alphabets that write their vowels.
    Alphabet,
    /// Arabic, Persian, Hebrew: an abjad without short vowels.
    Abjad,
    /// Chinese, Japanese and Korean characters, one syllable per token.
    Syllabic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lower-case ASCII letters and digits.
    pub text: String,
    /// The token with each sound spelt one way (see `phonetic::spelling`).
    pub spelling: String,
    /// Consonant skeleton for transliteration variants (see `phonetic::skeleton`).
    pub skeleton: String,
    pub origin: Origin,
}

impl Token {
    pub fn new(text: String, origin: Origin) -> Token {
        Token { spelling: phonetic::spelling(&text), skeleton: phonetic::skeleton(&text), text, origin }
    }
}

/// A name ready for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct NormName {
    pub tokens: Vec<Token>,
    /// Legal-form words taken out of an organisation name ("llc", "ooo", "gmbh"), kept for the
    /// explanation.
    pub legal_forms: Vec<String>,
    /// An acronym of the name's own words ("Myanma Gems Enterprise (MGE)"), taken out: it
    /// repeats the name and the other side may not write it.
    pub acronyms: Vec<String>,
}

/// Whether legal forms may be taken out: never for persons (a surname can be "Co" or "Sa").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalForms {
    Strip,
    Keep,
}

/// Normalises one name.
pub fn normalize(name: &str, legal_forms: LegalForms) -> NormName {
    let mut tokens = Vec::new();
    for word in words(name) {
        let origin = origin_of(&word);
        let ascii = any_ascii::any_ascii(&word).to_lowercase();
        if origin == Origin::Syllabic {
            // One token per character: Chinese names are matched syllable by syllable, and the
            // scorer joins adjacent syllables ("fang" + "wei" = "fangwei").
            for c in word.chars() {
                push_ascii_tokens(&any_ascii::any_ascii(&c.to_string()).to_lowercase(), origin, &mut tokens);
            }
        } else {
            push_ascii_tokens(&ascii, origin, &mut tokens);
        }
    }
    let mut norm = NormName { tokens, legal_forms: Vec::new(), acronyms: Vec::new() };
    if legal_forms == LegalForms::Strip {
        strip_legal_forms(&mut norm);
        strip_acronym(&mut norm);
    }
    norm
}

/// Abbreviations written out, so "Mgmt" meets "Management".
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("mgmt", "management"),
    ("intl", "international"),
    ("mfg", "manufacturing"),
    ("svcs", "services"),
    ("svc", "service"),
    ("natl", "national"),
    ("assn", "association"),
    ("dept", "department"),
    ("univ", "university"),
    ("inst", "institute"),
];

/// Splits ASCII text into tokens on anything but letters and digits; apostrophes vanish
/// inside a word ("O'Brien" → "obrien", "Yur'evich" → "yurevich").
fn push_ascii_tokens(ascii: &str, origin: Origin, out: &mut Vec<Token>) {
    let without_apostrophes: String = ascii.chars().filter(|c| !matches!(c, '\'' | '`' | '´')).collect();
    for piece in without_apostrophes.split(|c: char| !c.is_ascii_alphanumeric()) {
        if piece.is_empty() {
            continue;
        }
        let word = ABBREVIATIONS.iter().find(|(short, _)| *short == piece).map_or(piece, |(_, long)| long);
        out.push(Token::new(word.to_string(), origin));
    }
}

/// Splits raw text into words after removing invisible characters and replacing look-alike
/// letters from other scripts inside Latin words; splits the Arabic article off its noun.
fn words(name: &str) -> Vec<String> {
    let visible: String = name
        .chars()
        .filter(|c| !crate::lists::text::is_invisible(*c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut out = Vec::new();
    for raw in visible.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '-' | '‐'
                    | '‑'
                    | '–'
                    | '—'
                    | '/'
                    | ','
                    | '.'
                    | '('
                    | ')'
                    | '"'
                    | '“'
                    | '”'
                    | '„'
                    | '«'
                    | '»'
                    | '‘'
                    | '’'
                    | '&'
            )
    }) {
        if raw.is_empty() {
            continue;
        }
        let word = unconfuse(raw);
        // "الرزاق" → "ال" + "رزاق": the article is a separate particle in Latin spellings.
        if let Some(rest) = word.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
            out.push("al".to_string());
            out.push(rest.to_string());
        } else {
            out.push(word);
        }
    }
    out
}

/// In a word that has Latin letters, replaces Cyrillic and Greek letters that look like Latin
/// ones ("Bаnk" with a Cyrillic а) by those Latin letters: an evasion, not a spelling.
fn unconfuse(word: &str) -> String {
    let has_latin = word.chars().any(|c| c.is_ascii_alphabetic());
    let has_confusable = word.chars().any(|c| confusable(c).is_some());
    if !(has_latin && has_confusable) {
        return word.to_string();
    }
    word.chars().map(|c| confusable(c).unwrap_or(c)).collect()
}

fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'к' => 'k',
        'м' => 'm',
        'т' => 't',
        'в' => 'b',
        'н' => 'h',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'ո' => 'n',
        'ս' => 'u',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        'ο' => 'o',
        'α' => 'a',
        'ε' => 'e',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => return None,
    })
}

fn origin_of(word: &str) -> Origin {
    let mut origin = Origin::Latin;
    for c in word.chars() {
        let cp = c as u32;
        let this = match cp {
            0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF => Origin::Abjad,
            0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Origin::Syllabic,
            0x0370..=0x058F | 0x10A0..=0x10FF | 0x1E00..=0x1FFF => Origin::Alphabet,
            _ => continue,
        };
        if this == Origin::Alphabet && !c.is_alphabetic() {
            continue;
        }
        origin = this;
        if origin != Origin::Alphabet {
            break;
        }
    }
    // Latin letters with diacritics (0x1E00..) are still Latin for our purposes.
    if origin == Origin::Alphabet
        && word.chars().all(|c| (c as u32) < 0x0370 || (0x1E00..=0x1EFF).contains(&(c as u32)))
    {
        return Origin::Latin;
    }
    origin
}

/// Legal forms and their transliterations, as token sequences. Longest first, so "closed
/// joint stock company" goes before "joint stock company" and "company".
const LEGAL_FORMS: &[&str] = &[
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "obshchestvo s ogranichennoi otvetstvennostiu",
    "tovarystvo z obmezhenoyu vidpovidalnistyu",
    "limited liability company",
    "limited liability partnership",
    "closed joint stock company",
    "open joint stock company",
    "public joint stock company",
    "private joint stock company",
    "joint stock company",
    "aktsionernoe obshchestvo",
    "aktsionernoye obshchestvo",
    "publichnoe aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "private limited company",
    "public limited company",
    "sociedad anonima",
    "societe anonyme",
    "s de r l de c v",
    "s de rl de cv",
    "s a de c v",
    "s de r l",
    "sa de cv",
    "sdn bhd",
    "pte ltd",
    "pvt ltd",
    "co ltd",
    "company limited",
    "private limited",
    "limited company",
    "you xian gong si",
    "youxian gongsi",
    "gmbh co kg",
    "l l c",
    "s a",
    "s r l",
    "b v",
    "n v",
    "llc",
    "llp",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "co",
    "gmbh",
    "ag",
    "kg",
    "bv",
    "nv",
    "sa",
    "sas",
    "sasu",
    "s a s",
    "s a s u",
    "eurl",
    "sarl",
    "srl",
    "spa",
    "plc",
    "lp",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "pjs",
    "ao",
    "oao",
    "zao",
    "pao",
    "ooo",
    "tov",
    "chp",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "dmcc",
    "wll",
    "pte",
    "pvt",
    "bhd",
    "sdn",
    "kft",
    "zrt",
    "doo",
    "oy",
    "aps",
    "sp zoo",
    "spzoo",
    "sro",
    "ltda",
    "a s",
    "as",
    "ltd sti",
    "sti",
    // Russian and Ukrainian abbreviations written back from Cyrillic ("ДЖСК" = JSC).
];

/// A word of a legal form with its skeleton, computed once.
struct LegalWord {
    text: &'static str,
    spelling: String,
    skeleton: String,
}

fn legal_form_table() -> &'static [Vec<LegalWord>] {
    static TABLE: std::sync::OnceLock<Vec<Vec<LegalWord>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<Vec<LegalWord>> = LEGAL_FORMS
            .iter()
            .map(|f| {
                f.split(' ')
                    .map(|w| LegalWord { text: w, spelling: phonetic::spelling(w), skeleton: phonetic::skeleton(w) })
                    .collect()
            })
            .collect();
        table.sort_by_key(|f| std::cmp::Reverse(f.len()));
        table
    })
}

/// A token is a legal-form word when it is spelt like one ("k v" for C.V.), is an
/// abbreviation that sounds like one written back from another script ("dmkk" for DMCC,
/// "dzhsk" for JSC; a word with vowels such as "police" is no abbreviation of PLC), or is a
/// slip of a long one ("Compant").
fn is_legal_word(token: &Token, word: &LegalWord) -> bool {
    token.spelling == word.spelling
        || (word.skeleton.len() >= 3
            && token.skeleton == word.skeleton
            && !token.text.contains(['a', 'e', 'i', 'o', 'u']))
        || (word.text.len() >= 5
            && token.text.len().abs_diff(word.text.len()) <= 1
            && strsim::osa_distance(&token.text, word.text) <= 1)
}

/// Takes legal-form phrases out, wherever they stand ("OOO Uralinfo", "Uralinfo LLC",
/// "The X Company Limited"), unless that would leave nothing.
fn strip_legal_forms(norm: &mut NormName) {
    let table = legal_form_table();
    let mut keep = Vec::with_capacity(norm.tokens.len());
    let mut removed = Vec::new();
    let mut i = 0;
    let tokens = &norm.tokens;
    'outer: while i < tokens.len() {
        for form in table {
            let end = i + form.len();
            if end <= tokens.len() && tokens[i..end].iter().zip(form.iter()).all(|(t, f)| is_legal_word(t, f)) {
                removed.push(form.iter().map(|w| w.text).collect::<Vec<_>>().join(" "));
                i = end;
                continue 'outer;
            }
        }
        keep.push(tokens[i].clone());
        i += 1;
    }
    // "The" is noise only in organisation names.
    keep.retain(|t| t.text != "the");
    if !keep.is_empty() {
        norm.tokens = keep;
        norm.legal_forms = removed;
    }
}

/// Takes out a token that spells the initials of the other tokens, in order.
fn strip_acronym(norm: &mut NormName) {
    if norm.tokens.len() < 3 {
        return;
    }
    let found = norm.tokens.iter().position(|t| {
        let initials: String =
            norm.tokens.iter().filter(|o| !std::ptr::eq(*o, t)).filter_map(|o| o.text.chars().next()).collect();
        t.text.len() >= 2 && t.text == initials
    });
    if let Some(i) = found {
        norm.acronyms.push(norm.tokens.remove(i).text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str, forms: LegalForms) -> String {
        let n = normalize(name, forms);
        let mut s = n.tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        if !n.legal_forms.is_empty() {
            s.push_str(&format!(" [{}]", n.legal_forms.join(", ")));
        }
        s
    }

    #[test]
    fn folds_case_punctuation_diacritics_and_scripts() {
        assert_eq!(texts("GADZHIYEV, Murad Stanislavovich", LegalForms::Keep), "gadzhiyev murad stanislavovich");
        assert_eq!(texts("Jürgen Müller", LegalForms::Keep), "jurgen muller");
        assert_eq!(texts("Сергей Борисович БРИЛЕВ", LegalForms::Keep), "sergey borisovich brilev");
        assert_eq!(texts("O'Brien-Smith", LegalForms::Keep), "obrien smith");
        assert_eq!(texts("Αλέξανδρος", LegalForms::Keep), "alexandros");
        assert_eq!(texts("李方伟", LegalForms::Keep), "li fang wei");
        assert_eq!(texts("عبد الرزاق", LegalForms::Keep), "bd al rzq");
    }

    #[test]
    fn evasion_by_lookalikes_and_invisible_characters_is_undone() {
        // Cyrillic а and о inside a Latin word, a zero-width space and a no-break space.
        assert_eq!(texts("B\u{0430}nk Mell\u{200b}i\u{a0}S\u{043e}na", LegalForms::Keep), "bank melli sona");
    }

    #[test]
    fn legal_forms_are_taken_out_of_organisation_names_only() {
        assert_eq!(texts("OOO Uralinfo", LegalForms::Strip), "uralinfo [ooo]");
        assert_eq!(texts("ТОВ «Ромашка»", LegalForms::Strip), "romashka [tov]");
        assert_eq!(
            texts("Limited Liability Company Marine Trans", LegalForms::Strip),
            "marine trans [limited liability company]"
        );
        assert_eq!(texts("KB Radar Sdn. Bhd.", LegalForms::Strip), "kb radar [sdn bhd]");
        assert_eq!(texts("Beijing Co., Ltd.", LegalForms::Strip), "beijing [co ltd]");
        assert_eq!(texts("Pedro Sa", LegalForms::Keep), "pedro sa");
        assert_eq!(texts("LLC", LegalForms::Strip), "llc");
        assert_eq!(texts("ZR Energi DMKK", LegalForms::Strip), "zr energi [dmcc]");
        assert_eq!(texts("Joitn Stock Compant Avilon", LegalForms::Strip), "avilon [joint stock company]");
        assert_eq!(texts("Oil Tankers SCF Mgmt FZCO", LegalForms::Strip), "oil tankers scf management [fzco]");
        assert_eq!(normalize("Myanma Gems Enterprise (MGE)", LegalForms::Strip).acronyms, ["mge"]);
    }
}
