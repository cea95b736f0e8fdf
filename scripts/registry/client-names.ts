// Reading a client's family, version, platform and release year out of its name, as testssl
// and curl-impersonate spell them.

/** A client name taken apart: "IE 11 Win 7" → IE, 11, "Win 7". */
export interface ClientName {
  family: string;
  version: string;
  platform: string | null;
}

// Family names as testssl spells them at the start of a client name, longest first.
const TESTSSL_FAMILIES: readonly (readonly [prefix: string, family: string])[] = [
  ["Apple Mail", "Apple Mail"],
  ["Apple ATS", "Apple ATS"],
  ["Yahoo Slurp", "Yahoo Slurp"],
  ["BingPreview", "BingPreview"],
  ["BingBot", "BingBot"],
  ["Googlebot", "Googlebot"],
  ["YandexBot", "YandexBot"],
  ["Baidu", "Baidu"],
  ["Thunderbird", "Thunderbird"],
  ["LibreSSL", "LibreSSL"],
  ["OpenSSL", "OpenSSL"],
  ["Chromium", "Chromium"],
  ["Android", "Android"],
  ["Chrome", "Chrome"],
  ["Firefox", "Firefox"],
  ["Safari", "Safari"],
  ["Opera", "Opera"],
  ["Edge", "Edge"],
  ["Java", "Java"],
  ["Tor", "Tor Browser"],
  ["IE", "IE"],
  ["go", "Go"],
];

// Names whose version and platform no pattern reads.
const NAME_OVERRIDES: Readonly<Record<string, { version: string; platform: string }>> = {
  "Edge 101/Chrome 101 Win 10 21H2": { version: "101", platform: "Win 10 21H2" },
};

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/** "IE 11 Win 7" → family IE, version 11, platform "Win 7"; "Baidu Jan 2015" → version "Jan 2015". */
export function parseClientName(name: string): ClientName {
  const entry = TESTSSL_FAMILIES.find(([prefix]) => name.startsWith(`${prefix} `));
  if (entry === undefined) throw new Error(`generate-registry: unknown client family in "${name}"`);
  const [prefix, family] = entry;
  const rest = name.slice(prefix.length + 1);
  const override = NAME_OVERRIDES[name];
  if (override !== undefined) return { family, ...override };
  const dated = new RegExp(`^(${MONTHS.join("|")}) (\\d{4})$`).exec(rest);
  if (dated !== null) return { family, version: rest, platform: null };
  const m = /^\(?(\d[\w.-]*(?:\/\d[\w.-]*)?)\)?(?:\s+(.*))?$/.exec(rest);
  const version = m?.[1];
  if (m === null || version === undefined) {
    throw new Error(`generate-registry: no version in client name "${name}"`);
  }
  const platform = (m[2] ?? "").replace(/^\((.*)\)$/, "$1").trim();
  return { family, version, platform: platform === "" ? null : platform };
}

// Release year of each client version (the year that version first shipped), where known.
// Chromium-based browsers follow Chromium's release calendar, computed below.
const RELEASE_YEARS: Readonly<Record<string, Readonly<Record<string, number | null>>>> = {
  Android: {
    "2.3.7": 2011,
    "4.0.4": 2012,
    "4.1.1": 2012,
    "4.2.2": 2013,
    4.3: 2013,
    "4.4.2": 2013,
    "5.0.0": 2014,
    "6.0": 2015,
    "7.0": 2016,
    8.1: 2017,
    "9.0": 2018,
    "10.0": 2019,
    "11/12": 2020,
    11: 2020,
    12: 2021,
    "13/14": 2022,
    13: 2022,
    14: 2023,
    "15/16": 2024,
    15: 2024,
    16: 2025,
  },
  Firefox: {
    10: 2012,
    17: 2012,
    21: 2013,
    22: 2013,
    24: 2013,
    26: 2013,
    27: 2014,
    29: 2014,
    30: 2014,
    31: 2014,
    32: 2014,
    34: 2014,
    35: 2015,
    37: 2015,
    39: 2015,
    41: 2015,
    42: 2015,
    44: 2016,
    45: 2016,
    46: 2016,
    47: 2016,
    49: 2016,
    53: 2017,
    59: 2018,
    62: 2018,
    66: 2019,
    71: 2019,
    100: 2022,
    133: 2024,
    135: 2025,
    137: 2025,
    144: 2025,
  },
  IE: { 6: 2001, 7: 2006, 8: 2009, "8-10": 2009, 9: 2011, 10: 2012, 11: 2013 },
  Edge: { 12: 2015, 13: 2015, 15: 2017, 17: 2018 },
  Opera: { 12.15: 2013, 15: 2013, 16: 2013, 17: 2013, 60: 2019, 65: 2019, 66: 2020 },
  Safari: {
    "5.1.9": 2013,
    5: 2012,
    "6.0.4": 2013,
    6: 2012,
    7: 2013,
    8: 2014,
    9: 2015,
    10: 2016,
    12.1: 2019,
    "13.0": 2019,
    15.3: 2022,
    15.4: 2022,
    15.5: 2022,
    "17.0": 2023,
    17.2: 2023,
    "18.0": 2024,
    18.4: 2025,
    "26.0": 2025,
    "26.0.1": 2025,
    26.4: 2026,
  },
  "Apple ATS": { 9: 2015 },
  "Tor Browser": { "17.0.9": 2013, 14.5: 2025 },
  Java: {
    "6u45": 2013,
    "7u25": 2013,
    "8b132": 2014,
    "8u31": 2015,
    "8u111": 2016,
    "8u161": 2018,
    "8u442": 2025,
    "9.0.4": 2018,
    "11.0.2": 2019,
    "12.0.1": 2019,
    "17.0.3/21.0.6": 2022,
    "17.0.3": 2022,
    "21.0.6": 2025,
  },
  Go: { "1.17.8": 2022 },
  LibreSSL: { "2.8.3": 2018, "3.3.6": 2022 },
  OpenSSL: {
    "0.9.8y": 2013,
    "1.0.1h": 2014,
    "1.0.1l": 2015,
    "1.0.2e": 2015,
    "1.1.0j": 2018,
    "1.1.0l": 2019,
    "1.1.1b": 2019,
    "1.1.1d": 2019,
    "3.0.3": 2022,
    "3.0.15": 2024,
    "3.5.0": 2025,
    "4.0.0": 2026,
  },
  "Apple Mail": { "16.0": 2022 },
  Thunderbird: { 60.6: 2019, 68.3: 2019, 91.9: 2022 },
  YandexBot: { "3.0": null },
};

// First Chromium major version of each year (stable channel).
const CHROMIUM_YEAR_STARTS: readonly (readonly [firstMajor: number, year: number])[] = [
  [144, 2026],
  [132, 2025],
  [121, 2024],
  [109, 2023],
  [97, 2022],
  [88, 2021],
  [80, 2020],
  [72, 2019],
  [64, 2018],
  [56, 2017],
  [48, 2016],
  [40, 2015],
  [32, 2014],
  [24, 2013],
];

export function releaseYear(family: string, version: string): number | null {
  const dated = /^[A-Z][a-z]{2} (\d{4})$/.exec(version);
  if (dated !== null) return Number(dated[1]);
  const major = Number.parseInt(version, 10);
  const chromium =
    family === "Chrome" || family === "Chromium" || (family === "Edge" && major >= 79);
  if (chromium) return CHROMIUM_YEAR_STARTS.find(([first]) => major >= first)?.[1] ?? null;
  const years = RELEASE_YEARS[family] ?? {};
  return years[version] ?? years[String(major)] ?? null;
}
