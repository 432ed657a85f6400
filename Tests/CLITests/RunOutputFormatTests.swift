import Foundation
import XCTest

/// The run folder as other tools read it: the real binary on the tiny phantom (RF and cryo,
/// a few seconds), then summary.json against docs/summary.schema.json (Python jsonschema),
/// the CSVs' time base and column rule, the NIfTI headers with nibabel and SimpleITK, the
/// zlib-compressed VTI with vtk, the colour tables and markups against the summary, and
/// the manifest listing every file. Checks needing a Python module skip only that part and
/// say so.
final class RunOutputFormatTests: XCTestCase {
    static let pythonChecks = #"""
    import sys, json, csv, re, os
    d, modality = sys.argv[1], sys.argv[2]
    missing = []
    def check(cond, what):
        print(("ok " if cond else "FAIL ") + what)
    summary = json.load(open(d + "/summary.json"))
    try:
        import jsonschema
        schema = json.load(open(sys.argv[3]))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(summary))
        check(not errors, "schema: " + "; ".join(e.message for e in errors[:3]))
    except ImportError:
        missing.append("jsonschema")
    # CSVs: one time base, a unit suffix on every column, names by thermocouple and probe.
    tc = list(csv.reader(open(d + "/thermocouples.csv")))
    gen = list(csv.reader(open(d + "/generator.csv")))
    ev = list(csv.reader(open(d + "/events.csv")))
    check([r[0] for r in tc[1:]] == [r[0] for r in gen[1:]], "thermocouples.csv and generator.csv share time_s")
    check(tc[0] == ["time_s"] + [t["name"] + "_c" for t in summary["thermocouples"]], "thermocouple columns " + ",".join(tc[0]))
    probes = [p["name"] for p in summary["probes"]]
    unit = re.compile(r"^(time_s|(%s)_(power_w|energy_j|impedance_ohm|probe_temp_c))$" % "|".join(map(re.escape, probes)))
    check(all(unit.match(h) for h in gen[0]), "generator columns by probe with units: " + ",".join(gen[0]))
    check(all(p + "_power_w" in gen[0] for p in probes), "a power column per probe")
    check(ev[0] == ["time_s", "source", "event", "value", "value_unit"], "events.csv header")
    step = summary["parameters"]["record_interval_s"]
    check(all(abs(float(r[0]) - i * step) < 1e-9 for i, r in enumerate(tc[1:])), "time_s is the record grid")
    for row in tc[1:] + gen[1:]:
        for x in row:
            if x and x not in ("nan", "inf", "-inf"):
                assert float(x) == float(repr(float(x))) and x == (repr(float(x)) if float(x) != int(float(x)) or "e" in x else str(int(float(x)))), x
    check(True, "numbers are shortest round-trip")
    if modality == "cryo":
        check(not any(h.endswith("_impedance_ohm") for h in gen[0]), "no impedance column in cryo")
        power = [float(r[gen[0].index(probes[0] + "_power_w")]) for r in gen[1:]]
        check(min(power) < 0, "cryo power is negative (heat extracted)")
    # Colour tables and markups agree with legend.json and summary.json.
    legend = json.load(open(d + "/legend.json"))
    for vol in ("labels", "zones"):
        ctbl = [l.split() for l in open(d + "/" + vol + ".ctbl") if not l.startswith("#")]
        names = {int(l[0]): l[1] for l in ctbl}
        check(all(names.get(int(k)) == v for k, v in legend[vol].items()), vol + ".ctbl names every label")
        snap = [l for l in open(d + "/" + vol + "-itksnap.txt") if not l.startswith("#")]
        check(all(any(('"%s"' % v) in l and l.split()[0] == k for l in snap) for k, v in legend[vol].items()), vol + "-itksnap.txt names every label")
    mk = json.load(open(d + "/thermocouples.mrk.json"))["markups"][0]
    check(mk["coordinateSystem"] == "RAS" and [p["label"] for p in mk["controlPoints"]] == [t["name"] for t in summary["thermocouples"]], "thermocouple markups")
    check(all(max(abs(a - b) for a, b in zip(p["position"], t["position_mm"])) < 1e-9 for p, t in zip(mk["controlPoints"], summary["thermocouples"])), "thermocouple markup positions")
    pk = json.load(open(d + "/probes.mrk.json"))["markups"][0]["controlPoints"]
    check([p["label"] for p in pk] == sum([[n + " tip", n + " entry"] for n in probes], []), "probe markups")
    check(pk[0]["position"] == summary["probes"][0]["tip_mm"], "probe tip markup position")
    # Every file is in the manifest.
    listed = [f["name"] for f in json.load(open(d + "/manifest.json"))["files"]]
    check(sorted(listed + ["manifest.json"]) == sorted(os.listdir(d)), "manifest lists every file")
    try:
        import numpy as np, nibabel as nib
        units = {"t_max": "[degC]", "t_min": "[degC]", "cem43": "[min]", "omega": "[1]"}
        for name in ["t_max", "t_min", "cem43", "omega", "zones", "labels", "probes"]:
            img = nib.load(d + "/" + name + ".nii.gz"); h = img.header; data = np.asanyarray(img.dataobj)
            label = name in ("zones", "labels", "probes")
            check(int(h["intent_code"]) == (1002 if label else 0), name + " intent " + str(int(h["intent_code"])))
            check(units.get(name, "label map") in h["descrip"].tobytes().decode(), name + " descrip " + h["descrip"].tobytes().decode())
            lo, hi = (0, data.max()) if label else (np.nanmin(data), np.nanmax(data))
            check(abs(float(h["cal_min"]) - lo) < 1e-4 and abs(float(h["cal_max"]) - hi) < 1e-4, name + " cal_min/max %s %s" % (h["cal_min"], h["cal_max"]))
        # The probe mask: one value per probe (summary order), each a non-empty shaft, and
        # the probe's tip voxel inside its own shaft.
        mask = np.asanyarray(nib.load(d + "/probes.nii.gz").dataobj)
        values = sorted(int(v) for v in np.unique(mask))
        check(values == list(range(len(summary["probes"]) + 1)), "probe mask values " + str(values))
        aff = nib.load(d + "/probes.nii.gz").affine
        for n, p in enumerate(summary["probes"]):
            ijk = np.rint(np.linalg.inv(aff) @ np.array(p["tip_mm"] + [1.0]))[:3].astype(int)
            near = mask[max(ijk[0] - 1, 0):ijk[0] + 2, max(ijk[1] - 1, 0):ijk[1] + 2, max(ijk[2] - 1, 0):ijk[2] + 2]
            check((near == n + 1).any(), "probe %d's tip lies on its shaft in the mask" % (n + 1))
        check("no_probe" in open(d + "/probes.ctbl").read() and summary["probes"][0]["name"] in open(d + "/probes.ctbl").read(), "probes.ctbl names the probes")
    except ImportError:
        missing.append("nibabel")
    try:
        import SimpleITK as sitk, numpy as np
        for name in ["t_max", "zones"]:
            im = sitk.ReadImage(d + "/" + name + ".nii.gz")
            check(im.GetMetaData("intent_code") == ("1002" if name == "zones" else "0"), "SimpleITK " + name + " intent_code")
            a = sitk.GetArrayFromImage(im)  # z, y, x
            n = np.asanyarray(__import__("nibabel").load(d + "/" + name + ".nii.gz").dataobj).transpose(2, 1, 0) if "nibabel" not in missing else a
            check(np.array_equal(a, n), "SimpleITK reads the same " + name + " voxels")
    except ImportError:
        missing.append("SimpleITK")
    if os.path.exists(d + "/volumes.vti"):
        head = open(d + "/volumes.vti", "rb").read(600)
        check(b'compressor="vtkZLibDataCompressor"' in head, "VTI is zlib-compressed")
        try:
            import vtk, numpy as np
            from vtk.util.numpy_support import vtk_to_numpy
            r = vtk.vtkXMLImageDataReader(); r.SetFileName(d + "/volumes.vti"); r.Update()
            im = r.GetOutput()
            check(im.GetNumberOfPoints() == summary["voxels"], "vtk reads every voxel")
            import nibabel as nib
            for name in ["t_max", "t_min", "cem43", "omega", "zones", "labels", "probes"]:
                a = vtk_to_numpy(im.GetPointData().GetArray(name))
                n = np.asanyarray(nib.load(d + "/" + name + ".nii.gz").dataobj).ravel(order="F")
                check(np.array_equal(a, n), "vtk " + name + " equals the NIfTI volume")
        except ImportError:
            missing.append("vtk")
    print("MISSING " + " ".join(missing))
    """#

    func checkFolder(_ out: String, modality: String) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/summary.schema.json").path
        p.arguments = ["python3", "-c", RunOutputFormatTests.pythonChecks, out, modality, schema]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { throw XCTSkip("python3 is not available; the output format checks did not run") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, text)
        let lines = text.split(separator: "\n").map(String.init)
        for l in lines where !l.hasPrefix("ok ") && !l.hasPrefix("MISSING") { XCTFail("\(modality): \(l)") }
        XCTAssertGreaterThan(lines.filter { $0.hasPrefix("ok ") }.count, 15, text)
        return lines.first { $0.hasPrefix("MISSING") }.map { $0.split(separator: " ").dropFirst().map(String.init) } ?? []
    }

    /// `ablasim compare` of the two folders: one row per run in the CSV, with the figures of
    /// each summary.json; the HTML has the table and the overlaid plots; a folder that is
    /// not a run is exit 2.
    func checkCompare(_ dir: URL) throws {
        let out = dir.appendingPathComponent("cmp").path
        let r = try CLI.run(["compare", dir.appendingPathComponent("rf").path, dir.appendingPathComponent("cryo").path, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOfFile: out + "/compare.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3)
        let header = rows[0]
        XCTAssertEqual(Array(header.prefix(3)), ["run", "modality", "phantom"])
        for (row, modality) in zip(rows.dropFirst(), ["rf", "cryo"]) {
            XCTAssertEqual(row.count, header.count)
            XCTAssertEqual(row[1], modality)
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(modality + "/summary.json"))) as? [String: Any])
            let zones = try XCTUnwrap(summary["zones"] as? [String: Any])
            let ablation = try XCTUnwrap(Double(row[try XCTUnwrap(header.firstIndex(of: "ablation_ml"))]))
            XCTAssertEqual(ablation, try XCTUnwrap(zones["ablation_ml"] as? Double), accuracy: 1e-12)
            let tc = try XCTUnwrap((summary["thermocouples"] as? [[String: Any]])?.first)
            let name = try XCTUnwrap(tc["name"] as? String)
            let peak = try XCTUnwrap(Double(row[try XCTUnwrap(header.firstIndex(of: name + ".t_max_c"))]))
            XCTAssertEqual(peak, try XCTUnwrap(tc["t_max_c"] as? Double), accuracy: 1e-9)
        }
        let html = try String(contentsOfFile: out + "/compare.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<table id=\"comparison\">") && html.contains("id=\"power\""))
        XCTAssertTrue(html.contains(">rf</text>") && html.contains(">cryo</text>"), "each run in the plot key")
        let bad = try CLI.run(["compare", dir.path, "--out", out])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("has no readable summary.json"), bad.stderr)
    }

    func testRunFoldersReadAsOtherToolsReadThem() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = try CLI.tinyPhantom(in: dir)
        var missing = Set<String>()
        for (modality, flags) in [("rf", ["--bipolar", "--vti"]), ("cryo", ["--cryo"])] {
            let out = dir.appendingPathComponent(modality).path
            let r = try CLI.run(["run", vox] + flags + ["--duration", "4", "--out", out, "--quiet"], timeout: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            missing.formUnion(try checkFolder(out, modality: modality))
        }
        try checkCompare(dir)
        if !missing.isEmpty {
            throw XCTSkip("python3 modules \(missing.sorted().joined(separator: ", ")) are missing (scripts/setup installs them); those checks did not run, the others passed")
        }
    }
}

/// Shell completion offers phantom files by extension and the option values (presets,
/// modes) as a user meets them after `ablasim --generate-completion-script bash|zsh`.
final class ShellCompletionTests: XCTestCase {
    func testCompletionOffersFilesByExtensionAndValues() throws {
        let bash = try CLI.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(bash.status, 0, bash.stderr)
        XCTAssertTrue(bash.stdout.contains("'!*.@(vox)'"), "run PHANTOM completes .vox files")
        XCTAssertTrue(bash.stdout.contains("'!*.@(yaml|yml)'"), "--scenario and sweep files complete .yaml files")
        XCTAssertTrue(bash.stdout.contains("'cooled-bipolar-15'"), "--probe completes the presets")
        XCTAssertTrue(bash.stdout.contains("'throttle'"), "--interlock-mode completes its modes")
        let zsh = try CLI.run(["--generate-completion-script", "zsh"])
        XCTAssertEqual(zsh.status, 0, zsh.stderr)
        XCTAssertTrue(zsh.stdout.contains("_files -g '\\''*.vox'\\''"), "zsh: .vox files")
    }
}
