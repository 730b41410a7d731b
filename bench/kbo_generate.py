"""Generate a synthetic KBO/BCE open-data extract of realistic size, in the real format.

    python bench/kbo_generate.py --out /tmp/kbo-national            # national size (~2.4 GB)
    python bench/kbo_generate.py --out /tmp/kbo-small --scale 0.01

Sizes at --scale 1 (close to the 2025 monthly full extract): 1.9 M enterprises,
2.0 M establishment units, ~20 M activity rows, ~3.5 M denominations, 3.9 M addresses,
0.8 M contacts. Postcodes are spread over 1,150 values; postcode 6720 (Habay) gets its share.
The data is deterministic (no randomness between runs). Don't commit the output.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path

NATIONAL = {"enterprises": 1_900_000, "establishments": 2_000_000}
POSTCODES = [str(1000 + 8 * i) for i in range(1150)]  # 1000..10192-ish, 6720 added below
POSTCODES[712] = "6720"
COMMERCE_CODES = ["47111", "47241", "47221", "47710", "47761", "56101", "56301", "96021",
                  "95230", "47300", "47782"]
OTHER_CODES = ["69201", "41201", "43211", "62010", "86210", "68201", "70220", "01110",
               "49410", "85200", "74109", "81210"]
STREETS = ["Rue de la Station", "Grand-Rue", "Kerkstraat", "Rue Haute", "Stationsstraat",
           "Chaussée de Namur", "Dorpsstraat", "Place Communale", "Marktplein"]
WRITE_BUFFER = 1 << 22


def enterprise_number(i: int) -> str:
    digits = f"{400_000_000 + i * 7:010d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def establishment_number(i: int) -> str:
    digits = f"{2_000_000_000 + i * 3:010d}"
    return f"{digits[0]}.{digits[1:4]}.{digits[4:7]}.{digits[7:]}"


def q(*values: str) -> str:
    return ",".join(f'"{v}"' if v else "" for v in values) + "\n"


def write(path: Path, header: str, lines: Iterator[str]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", buffering=WRITE_BUFFER) as out:
        out.write(header)
        for line in lines:
            out.write(line)
            count += 1
    return count


def pick(seq: list[str], i: int, salt: int) -> str:
    return seq[(i * 2654435761 + salt) % len(seq)]


def code_for(i: int, salt: int) -> str:
    return pick(COMMERCE_CODES, i, salt) if (i * 31 + salt) % 7 == 0 else pick(OTHER_CODES, i, salt)


def generate(out: Path, scale: float) -> dict[str, int]:
    n_ent = int(NATIONAL["enterprises"] * scale)
    n_est = int(NATIONAL["establishments"] * scale)
    out.mkdir(parents=True, exist_ok=True)
    owner = [i % n_ent for i in range(n_est)] if n_est < 10**5 else None

    def ent_of(j: int) -> int:
        return owner[j] if owner else (j * 7919) % n_ent

    counts = {}
    counts["enterprise"] = write(out / "enterprise.csv",
        q("EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise", "JuridicalForm",
          "JuridicalFormCAC", "StartDate"),
        (q(enterprise_number(i), "AC", "000", "2" if i % 3 else "1", "610", "")[:-1]
         + ",01-01-2010\n" for i in range(n_ent)))
    counts["establishment"] = write(out / "establishment.csv",
        q("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
        (f'"{establishment_number(j)}",01-01-2012,"{enterprise_number(ent_of(j))}"\n'
         for j in range(n_est)))
    counts["address"] = write(out / "address.csv",
        q("EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode", "MunicipalityNL",
          "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "ExtraAddressInfo",
          "DateStrikingOff"), _addresses(n_ent, n_est))
    counts["activity"] = write(out / "activity.csv",
        q("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
        _activities(n_ent, n_est))
    counts["denomination"] = write(out / "denomination.csv",
        q("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
        _denominations(n_ent, n_est))
    counts["contact"] = write(out / "contact.csv",
        q("EntityNumber", "EntityContact", "ContactType", "Value"), _contacts(n_ent, n_est))
    (out / "meta.csv").write_text(q("Variable", "Value") + q("ExtractType", "full")
                                  + q("SnapshotDate", "synthetic"), encoding="utf-8")
    return counts


def _address(number: str, kind: str, i: int) -> str:
    postcode = pick(POSTCODES, i, 11)
    city = "Habay" if postcode == "6720" else f"Commune {postcode}"
    street = pick(STREETS, i, 5)
    struck = "31-12-2023" if i % 97 == 0 else ""
    return q(number, kind, "", "", postcode, city, city, street, street, str(1 + i % 180),
             "", "")[:-1] + f",{struck}\n"


def _addresses(n_ent: int, n_est: int) -> Iterator[str]:
    for i in range(n_ent):
        yield _address(enterprise_number(i), "REGO", i)
    for j in range(n_est):
        yield _address(establishment_number(j), "BAET", j + 5)


def _activities(n_ent: int, n_est: int) -> Iterator[str]:
    for i in range(n_ent):  # ~7 rows: main + secondary in three NACE versions
        number = enterprise_number(i)
        main, second = code_for(i, 1), code_for(i, 2)
        yield q(number, "001", "2003", "52" + main[2:], "MAIN")
        yield q(number, "001", "2003", "52" + second[2:], "SECO")
        for version in ("2008", "2025"):
            yield q(number, "001", version, main, "MAIN")
            yield q(number, "001", version, second, "SECO")
            if i % 3 == 0:
                yield q(number, "006", version, pick(OTHER_CODES, i, 3), "SECO")
    for j in range(n_est):  # ~3 rows
        number = establishment_number(j)
        code = code_for(j, 4)
        yield q(number, "001", "2003", "52" + code[2:], "MAIN")
        yield q(number, "001", "2008", code, "MAIN")
        yield q(number, "001", "2025", code, "MAIN")
        if j % 2:
            yield q(number, "001", "2008", pick(OTHER_CODES, j, 6), "SECO")


def _denominations(n_ent: int, n_est: int) -> Iterator[str]:
    for i in range(n_ent):
        number = enterprise_number(i)
        yield q(number, "1", "001", f"Entreprise {i} SRL")
        if i % 2:
            yield q(number, "2", "002", f"E{i}")
    for j in range(n_est):
        if j % 4:
            yield q(establishment_number(j), "1", "003", f"Commerce {j}")


def _contacts(n_ent: int, n_est: int) -> Iterator[str]:
    for i in range(0, n_ent, 4):
        yield q(enterprise_number(i), "ENT", "TEL", f"0{60 + i % 30} {i % 100:02d} 00 00")
        if i % 8 == 0:
            yield q(enterprise_number(i), "ENT", "WEB", f"www.entreprise{i}.be")
    for j in range(0, n_est, 20):
        yield q(establishment_number(j), "EST", "EMAIL", f"shop{j}@example.be")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national size")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.scale)
    size = sum(f.stat().st_size for f in args.out.glob("*.csv")) / 1e9
    print(f"{args.out}: {counts} ({size:.2f} GB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
