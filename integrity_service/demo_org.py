"""The demo Kabupaten's organisation: 40 units (OPD and kecamatan) and 120 positions.

Pure data plus the SKJ (competency standard) and lowest golongan typical of
each position type. Every name is generic: the demo describes no real
Kabupaten, and its kecamatan names are common village names.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from integrity_service.domain.positions import PositionSpec, parse_position_mapping
from integrity_service.domain.vocabulary import COMPETENCY_CODES


@dataclass(frozen=True)
class Unit:
    """An organisational unit (perangkat daerah) and how many assessed officials work there."""

    code: str
    name: str
    staff_weight: int


_KECAMATAN = (
    "Sukamaju", "Sukajaya", "Mekarsari", "Cibeureum", "Karangsari",
    "Sindangjaya", "Tanjungsari", "Pasirjaya", "Margaluyu", "Sukaresmi",
)  # fmt: skip

UNITS: tuple[Unit, ...] = (
    Unit("SETDA", "Sekretariat Daerah", 110),
    Unit("SETWAN", "Sekretariat DPRD", 35),
    Unit("INSP", "Inspektorat Daerah", 45),
    Unit("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", 40),
    Unit("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 45),
    Unit("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", 70),
    Unit("BAPENDA", "Badan Pendapatan Daerah", 60),
    Unit("BPBD", "Badan Penanggulangan Bencana Daerah", 30),
    Unit("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", 25),
    Unit("DISDIK", "Dinas Pendidikan dan Kebudayaan", 190),
    Unit("DINKES", "Dinas Kesehatan", 170),
    Unit("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", 90),
    Unit("DPKP", "Dinas Perumahan Rakyat dan Kawasan Permukiman", 35),
    Unit("DINSOS", "Dinas Sosial", 35),
    Unit("DISNAKER", "Dinas Tenaga Kerja", 30),
    Unit("DP3AKB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana", 35),
    Unit("DKP", "Dinas Ketahanan Pangan", 25),
    Unit("DLH", "Dinas Lingkungan Hidup", 45),
    Unit("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 50),
    Unit("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", 30),
    Unit("DISHUB", "Dinas Perhubungan", 45),
    Unit("DISKOMINFO", "Dinas Komunikasi, Informatika, Statistik dan Persandian", 35),
    Unit("DISKUMPERINDAG", "Dinas Koperasi, UKM, Perindustrian dan Perdagangan", 35),
    Unit("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", 30),
    Unit("DISPORAPAR", "Dinas Kepemudaan, Olahraga dan Pariwisata", 25),
    Unit("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", 25),
    Unit("DISKAN", "Dinas Perikanan", 25),
    Unit("DISTAN", "Dinas Pertanian", 50),
    Unit("SATPOLPP", "Satuan Polisi Pamong Praja", 60),
    Unit("RSUD", "Rumah Sakit Umum Daerah", 140),
    *(Unit(f"KEC-{name.upper()}", f"Kecamatan {name}", 25) for name in _KECAMATAN),
)
"""The 40 units, with weights for spreading the 2,000 assessed officials over them."""

UNIT_NAMES: Mapping[str, str] = MappingProxyType({unit.code: unit.name for unit in UNITS})

# (unit code, code suffix, position type, title)
_POSITIONS: tuple[tuple[str, str, str, str], ...] = (
    ("SETDA", "ASISTEN-PEM", "jpt_pratama", "Asisten Pemerintahan dan Kesejahteraan Rakyat"),
    ("SETDA", "ASISTEN-EKBANG", "jpt_pratama", "Asisten Perekonomian dan Pembangunan"),
    ("SETDA", "KABAG-HUKUM", "administrator", "Kepala Bagian Hukum"),
    ("SETDA", "KABAG-ORG", "administrator", "Kepala Bagian Organisasi"),
    ("SETDA", "KABAG-PBJ", "administrator", "Kepala Bagian Pengadaan Barang dan Jasa"),
    ("SETDA", "KASUBBAG-PROTOKOL", "pengawas", "Kepala Subbagian Protokol"),
    ("SETDA", "JF-PPBJ", "fungsional", "Pengelola Pengadaan Barang/Jasa Ahli Muda"),
    ("SETDA", "PL-HUKUM", "pelaksana", "Penata Layanan Operasional"),
    ("SETWAN", "KASUBBAG-RAPAT", "pengawas", "Kepala Subbagian Rapat dan Risalah"),
    ("SETWAN", "PL-ARSIP", "pelaksana", "Pengadministrasi Perkantoran"),
    ("INSP", "INSPEKTUR", "jpt_pratama", "Inspektur Daerah"),
    ("INSP", "SEKRE", "administrator", "Sekretaris Inspektorat Daerah"),
    ("INSP", "IRBAN-1", "administrator", "Inspektur Pembantu Wilayah I"),
    ("INSP", "JF-AUDITOR-MUDA", "fungsional", "Auditor Ahli Muda"),
    (
        "INSP",
        "JF-P2UPD",
        "fungsional",
        "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah Ahli Pertama",
    ),
    ("BAPPEDA", "KABAN", "jpt_pratama", "Kepala Badan Perencanaan Pembangunan Daerah"),
    ("BAPPEDA", "SEKRE", "administrator", "Sekretaris Badan Perencanaan Pembangunan Daerah"),
    ("BAPPEDA", "KABID-PDE", "administrator", "Kepala Bidang Perencanaan, Data dan Evaluasi"),
    ("BAPPEDA", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("BAPPEDA", "JF-PERENCANA", "fungsional", "Perencana Ahli Muda"),
    ("BKPSDM", "KABAN", "jpt_pratama", "Kepala Badan Kepegawaian dan Pengembangan SDM"),
    ("BKPSDM", "SEKRE", "administrator", "Sekretaris Badan Kepegawaian dan Pengembangan SDM"),
    ("BKPSDM", "KABID-MUTASI", "administrator", "Kepala Bidang Mutasi dan Promosi"),
    ("BKPSDM", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("BKPSDM", "JF-ASDMA", "fungsional", "Analis Sumber Daya Manusia Aparatur Ahli Muda"),
    ("BPKAD", "KABAN", "jpt_pratama", "Kepala Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("BPKAD", "KABID-ANGGARAN", "administrator", "Kepala Bidang Anggaran"),
    ("BPKAD", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("BPKAD", "JF-AKPD", "fungsional", "Analis Keuangan Pusat dan Daerah Ahli Pertama"),
    ("BPKAD", "PL-ASET", "pelaksana", "Pengolah Data dan Informasi"),
    ("BAPENDA", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("BAPENDA", "PL-PAJAK", "pelaksana", "Penata Layanan Operasional"),
    ("BPBD", "KASI-DARURAT", "pengawas", "Kepala Seksi Kedaruratan dan Logistik"),
    ("BPBD", "PL-PUSDALOPS", "pelaksana", "Operator Layanan Operasional"),
    ("KESBANGPOL", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("KESBANGPOL", "JF-ANALIS", "fungsional", "Analis Kebijakan Ahli Pertama"),
    ("DISDIK", "KADIS", "jpt_pratama", "Kepala Dinas Pendidikan dan Kebudayaan"),
    ("DISDIK", "SEKRE", "administrator", "Sekretaris Dinas Pendidikan dan Kebudayaan"),
    ("DISDIK", "KABID-SD", "administrator", "Kepala Bidang Pembinaan Sekolah Dasar"),
    ("DISDIK", "KABID-SMP", "administrator", "Kepala Bidang Pembinaan Sekolah Menengah Pertama"),
    ("DISDIK", "KABID-GTK", "administrator", "Kepala Bidang Guru dan Tenaga Kependidikan"),
    ("DISDIK", "KASUBBAG-UMPEG", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISDIK", "KASUBBAG-KEU", "pengawas", "Kepala Subbagian Keuangan"),
    ("DISDIK", "KASI-KUR-SD", "pengawas", "Kepala Seksi Kurikulum Sekolah Dasar"),
    ("DISDIK", "KASI-KUR-SMP", "pengawas", "Kepala Seksi Kurikulum Sekolah Menengah Pertama"),
    ("DISDIK", "KASI-SARPRAS", "pengawas", "Kepala Seksi Sarana dan Prasarana"),
    ("DISDIK", "KASI-CAGAR", "pengawas", "Kepala Seksi Cagar Budaya"),
    ("DISDIK", "JF-ANALIS", "fungsional", "Analis Kebijakan Ahli Muda"),
    ("DISDIK", "JF-PAMONG", "fungsional", "Pamong Budaya Ahli Pertama"),
    ("DISDIK", "PL-DAPODIK", "pelaksana", "Pengolah Data dan Informasi"),
    ("DISDIK", "PL-UMUM", "pelaksana", "Pengadministrasi Perkantoran"),
    ("DINKES", "KADIS", "jpt_pratama", "Kepala Dinas Kesehatan"),
    ("DINKES", "SEKRE", "administrator", "Sekretaris Dinas Kesehatan"),
    ("DINKES", "KABID-P2P", "administrator", "Kepala Bidang Pencegahan dan Pengendalian Penyakit"),
    ("DINKES", "KABID-YANKES", "administrator", "Kepala Bidang Pelayanan Kesehatan"),
    ("DINKES", "KASUBBAG-UMPEG", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DINKES", "KASI-SURVEILANS", "pengawas", "Kepala Seksi Surveilans dan Imunisasi"),
    ("DINKES", "JF-EPID", "fungsional", "Epidemiolog Kesehatan Ahli Muda"),
    ("DINKES", "PL-FARMASI", "pelaksana", "Pengelola Layanan Operasional"),
    ("DPUPR", "KADIS", "jpt_pratama", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DPUPR", "SEKRE", "administrator", "Sekretaris Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DPUPR", "KABID-BM", "administrator", "Kepala Bidang Bina Marga"),
    ("DPUPR", "KABID-SDA", "administrator", "Kepala Bidang Sumber Daya Air"),
    ("DPUPR", "KABID-CK", "administrator", "Kepala Bidang Cipta Karya"),
    ("DPUPR", "KASUBBAG-UMPEG", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DPUPR", "JF-TEKNIK-JALAN", "fungsional", "Teknik Jalan dan Jembatan Ahli Pertama"),
    ("DPUPR", "PL-TEKNIS", "pelaksana", "Pengelola Layanan Operasional"),
    ("DPKP", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DPKP", "PL-PERKIM", "pelaksana", "Penata Layanan Operasional"),
    ("DINSOS", "KADIS", "jpt_pratama", "Kepala Dinas Sosial"),
    ("DINSOS", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DINSOS", "JF-PEKSOS", "fungsional", "Pekerja Sosial Ahli Pertama"),
    ("DISNAKER", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISNAKER", "JF-MEDIATOR", "fungsional", "Mediator Hubungan Industrial Ahli Pertama"),
    ("DP3AKB", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DP3AKB", "PL-LAYANAN", "pelaksana", "Operator Layanan Operasional"),
    ("DKP", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DKP", "PL-DATA", "pelaksana", "Pengolah Data dan Informasi"),
    ("DLH", "SEKRE", "administrator", "Sekretaris Dinas Lingkungan Hidup"),
    ("DLH", "KASI-PENGADUAN", "pengawas", "Kepala Seksi Pengaduan dan Penegakan Hukum Lingkungan"),
    ("DLH", "JF-PLH", "fungsional", "Pengawas Lingkungan Hidup Ahli Pertama"),
    ("DISDUKCAPIL", "KADIS", "jpt_pratama", "Kepala Dinas Kependudukan dan Pencatatan Sipil"),
    ("DISDUKCAPIL", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISDUKCAPIL", "PL-ADMINDUK", "pelaksana", "Pengadministrasi Perkantoran"),
    ("DPMD", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DPMD", "JF-PENGGERAK", "fungsional", "Penggerak Swadaya Masyarakat Ahli Pertama"),
    ("DISHUB", "KADIS", "jpt_pratama", "Kepala Dinas Perhubungan"),
    ("DISHUB", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISHUB", "JF-PKB", "fungsional", "Penguji Kendaraan Bermotor Terampil"),
    ("DISKOMINFO", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISKOMINFO", "JF-PRAKOM", "fungsional", "Pranata Komputer Ahli Pertama"),
    ("DISKUMPERINDAG", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISKUMPERINDAG", "PL-PASAR", "pelaksana", "Operator Layanan Operasional"),
    ("DPMPTSP", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DPMPTSP", "PL-PERIZINAN", "pelaksana", "Penata Layanan Operasional"),
    ("DISPORAPAR", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISPUSIP", "JF-ARSIPARIS", "fungsional", "Arsiparis Ahli Pertama"),
    ("DISPUSIP", "JF-PUSTAKAWAN", "fungsional", "Pustakawan Ahli Pertama"),
    ("DISKAN", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISTAN", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("DISTAN", "JF-PENYULUH", "fungsional", "Penyuluh Pertanian Ahli Pertama"),
    ("SATPOLPP", "KASUBBAG-UMUM", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("SATPOLPP", "JF-POLPP", "fungsional", "Polisi Pamong Praja Terampil"),
    ("RSUD", "KABID-YANMED", "administrator", "Kepala Bidang Pelayanan Medik"),
    ("RSUD", "KASUBBAG-UMPEG", "pengawas", "Kepala Subbagian Umum dan Kepegawaian"),
    ("RSUD", "JF-PERAWAT", "fungsional", "Perawat Ahli Pertama"),
    ("RSUD", "PL-REKAM-MEDIS", "pelaksana", "Pengolah Data dan Informasi"),
    ("KEC-SUKAMAJU", "CAMAT", "administrator", "Camat Sukamaju"),
    ("KEC-SUKAMAJU", "PL-PELAYANAN", "pelaksana", "Operator Layanan Operasional"),
    ("KEC-SUKAJAYA", "KASI-PEM", "pengawas", "Kepala Seksi Pemerintahan"),
    ("KEC-MEKARSARI", "CAMAT", "administrator", "Camat Mekarsari"),
    ("KEC-MEKARSARI", "KASI-PEM", "pengawas", "Kepala Seksi Pemerintahan"),
    ("KEC-CIBEUREUM", "KASI-TRANTIB", "pengawas", "Kepala Seksi Ketenteraman dan Ketertiban Umum"),
    ("KEC-KARANGSARI", "SEKCAM", "administrator", "Sekretaris Kecamatan Karangsari"),
    ("KEC-SINDANGJAYA", "KASI-PEM", "pengawas", "Kepala Seksi Pemerintahan"),
    ("KEC-TANJUNGSARI", "KASI-PMD", "pengawas", "Kepala Seksi Pemberdayaan Masyarakat dan Desa"),
    ("KEC-PASIRJAYA", "KASI-PEM", "pengawas", "Kepala Seksi Pemerintahan"),
    ("KEC-MARGALUYU", "KASI-YANUM", "pengawas", "Kepala Seksi Pelayanan Umum"),
    ("KEC-SUKARESMI", "KASI-TRANTIB", "pengawas", "Kepala Seksi Ketenteraman dan Ketertiban Umum"),
    ("KEC-SUKARESMI", "PL-PELAYANAN", "pelaksana", "Pengadministrasi Perkantoran"),
)

# Lowest golongan per position type; fungsional and pelaksana depend on the grade in the title.
MIN_RANK_BY_TYPE: Mapping[str, str] = MappingProxyType(
    {"jpt_pratama": "IV/b", "administrator": "III/d", "pengawas": "III/b"}
)
_MIN_RANK_BY_GRADE = (
    ("Ahli Madya", "IV/a"),
    ("Ahli Muda", "III/c"),
    ("Ahli Pertama", "III/a"),
    ("Terampil", "II/b"),
    ("Penata", "III/a"),
    ("Pengolah", "II/c"),
    ("Pengelola", "II/c"),
    ("Pengadministrasi", "II/a"),
    ("Operator", "II/a"),
)


def min_rank_of(position_type: str, title: str) -> str:
    """Return the lowest golongan eligible for a position of this type and title."""
    if position_type in MIN_RANK_BY_TYPE:
        return MIN_RANK_BY_TYPE[position_type]
    for grade, rank in _MIN_RANK_BY_GRADE:
        if grade in title:
            return rank
    raise ValueError(f"no minimum golongan known for {position_type} position {title!r}")


def standard_of(position_type: str, title: str, rng: random.Random) -> dict[str, int]:
    """Return a typical SKJ: JPT level 4, administrator 3-4, pengawas 3, others 2-3."""
    if position_type == "jpt_pratama":
        levels = dict.fromkeys(COMPETENCY_CODES, 4)
    elif position_type == "administrator":
        levels = dict.fromkeys(COMPETENCY_CODES, 3) | {"M01": 4, "M04": 4}
        levels[rng.choice(("M05", "M07", "M08"))] = 4
    elif position_type == "pengawas" or "Ahli Muda" in title:
        levels = dict.fromkeys(COMPETENCY_CODES, 3)
        if rng.random() < 0.4:
            levels[rng.choice(("M06", "M07"))] = 2
    elif "Ahli Pertama" in title or "Penata" in title:
        levels = dict.fromkeys(COMPETENCY_CODES, 2) | {"M01": 3, "M04": 3}
    else:
        levels = dict.fromkeys(COMPETENCY_CODES, 2)
    return levels


def build_positions(rng: random.Random) -> list[PositionSpec]:
    """Return the 120 positions, validated as the API validates them."""
    positions = []
    for index, (unit, suffix, position_type, title) in enumerate(_POSITIONS):
        obj = {
            "code": f"{unit}-{suffix}",
            "title": title,
            "type": position_type,
            "unit": UNIT_NAMES[unit],
            "min_rank": min_rank_of(position_type, title),
            "standard": standard_of(position_type, title, rng),
        }
        positions.append(parse_position_mapping(obj, index=index))
    return positions
