import XCTest
import AblasimCore
import AblasimPhantom
import AblasimPhysics
import AblasimSimulation
@testable import AblasimOutput

final class OutputFilesTests: XCTestCase {
    func testCSVShape() throws {
        let out = try makeRunOutput()
        let tc = CSVTables.thermocouples(out.thermocouples).split(separator: "\n")
        XCTAssertEqual(tc.first, "time_s,cord_anterior_c,root_left_c")
        XCTAssertEqual(tc.count, 62)
        XCTAssertEqual(tc[1], "0,37,37")
        XCTAssertEqual(tc.last, "60,47.5,39")
        XCTAssertTrue(tc.allSatisfy { $0.split(separator: ",").count == 3 })
        let back = try CSVTables.readThermocouples(CSVTables.thermocouples(out.thermocouples), path: "t.csv")
        XCTAssertEqual(back.names, out.thermocouples.names)
        XCTAssertEqual(back.times, out.thermocouples.times)
        XCTAssertEqual(back.values, out.thermocouples.values, "shortest round-trip text reads back exactly")

        let gen = CSVTables.generator(out.generator).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(gen[0], "time_s,left_power_w,left_energy_j,left_impedance_ohm,left_probe_temp_c,right_power_w,right_energy_j,right_impedance_ohm")
        XCTAssertEqual(gen[2], "10,20,200,90,60,18.5,185,90")
        XCTAssertEqual(gen.count, 9)   // header, 7 rows, final newline
        let g = try CSVTables.readGenerator(gen.joined(separator: "\n"), path: "g.csv")
        XCTAssertEqual(g.channels, ["left", "right"])
        XCTAssertEqual(g.samples[1][0].impedance, 90)
        XCTAssertEqual(g.samples[1][1].probeTemperature, nil)
    }

    func testAtomicWriteReplacesAndLeavesNoTemporaryFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.txt")
        try OutputDirectory.atomicWrite(Data("first".utf8), to: url)
        try OutputDirectory.atomicWrite(Data("second".utf8), to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.txt"])
        // A target that cannot be replaced (a non-empty directory) fails and leaves no temporary.
        let blocker = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("inner"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try OutputDirectory.atomicWrite(Data("x".utf8), to: blocker))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.txt", "b"])
    }

    func testPrepareCreatesRefusesAndOverwrites() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("deep/run1")
        XCTAssertNoThrow(try OutputDirectory.prepare(path: out.path, overwrite: false))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
        try Data("{}".utf8).write(to: out.appendingPathComponent("summary.json"))
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        XCTAssertThrowsError(try OutputDirectory.prepare(path: out.path, overwrite: false)) { e in
            guard let o = e as? OutputError else { return XCTFail("\(e)") }
            XCTAssertTrue(o.isInputError)
            XCTAssertTrue(o.description.contains("not empty") && o.description.contains("--overwrite"), o.description)
        }
        // Files no run recorded are never removed: --overwrite refuses and removes nothing.
        XCTAssertThrowsError(try OutputDirectory.prepare(path: out.path, overwrite: true)) { e in
            XCTAssertTrue((e as? OutputError)?.isInputError ?? false)
            XCTAssertTrue("\(e)".contains("'notes.txt'") && "\(e)".contains("nothing was removed"), "\(e)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["notes.txt", "summary.json"])
        // A file where the directory should be, and a directory that cannot be created.
        let file = root.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try OutputDirectory.prepare(path: file.path, overwrite: true)) { e in
            XCTAssertTrue((e as? OutputError)?.isInputError ?? false)
            XCTAssertTrue("\(e)".contains("is a file"))
        }
        XCTAssertThrowsError(try OutputDirectory.prepare(path: file.appendingPathComponent("sub").path, overwrite: false)) { e in
            XCTAssertTrue((e as? OutputError)?.isInputError ?? false)
            XCTAssertTrue("\(e)".contains("cannot create output directory"), "\(e)")
        }
    }

    func testRunOutputWritesEveryFileAndReadsVolumesBack() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try makeRunOutput()
        try out.write(to: dir, vti: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["cem43.nii.gz", "events.csv", "generator.csv", "labels-itksnap.txt", "labels.ctbl", "labels.nii.gz", "legend.json",
                               "manifest.json", "omega.nii.gz", "probes.ctbl", "probes.mrk.json", "probes.nii.gz", "report.html", "summary.json", "t_max.nii.gz", "t_min.nii.gz",
                               "thermocouples.csv", "thermocouples.mrk.json", "volumes.vti", "zones-itksnap.txt", "zones.ctbl", "zones.nii.gz"])
        let manifest = try XCTUnwrap(RunManifest.read(in: dir.path))
        XCTAssertEqual(Set(manifest.files.map(\.name)), Set(names).subtracting(["manifest.json"]), "every file is in the manifest")
        let image = try NIfTIImage.read(from: dir.appendingPathComponent("zones.nii.gz"))
        XCTAssertEqual(image.intentCode, NIfTIImage.intentLabel)
        XCTAssertEqual(image.calMax, 4)
        let tImage = try NIfTIImage.read(from: dir.appendingPathComponent("t_max.nii.gz"))
        XCTAssertEqual(tImage.intentCode, 0)
        XCTAssertEqual(tImage.calMin, Double(out.volumes.tMax.min()!))
        XCTAssertEqual(tImage.calMax, Double(out.volumes.tMax.max()!))
        XCTAssertTrue(tImage.descrip.contains("[degC]"), tImage.descrip)
        let (grid, tMax) = try VolumeFile.readFloat32(dir.appendingPathComponent("t_max.nii.gz"))
        XCTAssertEqual(grid.dims, out.grid.dims)
        for (a, b) in zip(grid.affineMillimetres, out.grid.affineMillimetres) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(tMax, out.volumes.tMax)
        let (_, labels) = try VolumeFile.readUInt8(dir.appendingPathComponent("labels.nii.gz"))
        XCTAssertEqual(labels, out.volumes.labels)
        XCTAssertThrowsError(try VolumeFile.readUInt8(dir.appendingPathComponent("t_max.nii.gz"))) { e in
            XCTAssertTrue("\(e)".contains("does not hold uint8"), "\(e)")
        }
        // The VTI file: header, extent, and per array a zlib block list that inflates to the values.
        let vti = try Data(contentsOf: dir.appendingPathComponent("volumes.vti"))
        let headEnd = try XCTUnwrap(vti.range(of: Data("<AppendedData encoding=\"raw\">".utf8))).upperBound
        let head = String(decoding: vti[..<headEnd], as: UTF8.self)
        XCTAssertTrue(head.contains("WholeExtent=\"0 6 0 5 0 4\""))
        XCTAssertTrue(head.contains("compressor=\"vtkZLibDataCompressor\""))
        XCTAssertTrue(head.contains("Spacing=\"0.5 0.6 0.7\"") || head.contains("Spacing=\"0.5 0.6"), head)
        XCTAssertTrue(head.contains("Direction=\"-1.0 0.0 0.0 0.0 -1.0 0.0 0.0 0.0 1.0\""), head)
        XCTAssertEqual(head.components(separatedBy: "<DataArray").count - 1, 7)
        let start = try XCTUnwrap(vti[headEnd...].firstIndex(of: UInt8(ascii: "_"))) + 1
        let bytes = [UInt8](vti[start...])
        func u64(_ o: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[o + $1]) << (8 * $1) } }
        var offset = 0
        let expected: [[UInt8]] = [out.volumes.tMax, out.volumes.tMin, out.volumes.cem43, out.volumes.omega].map { v in v.withUnsafeBytes { [UInt8]($0) } }
            + [out.volumes.zones, out.volumes.labels]
        for (a, want) in expected.enumerated() {
            XCTAssertTrue(head.contains("offset=\"\(offset)\""), "array \(a) at \(offset)")
            let blocks = u64(offset), blockSize = u64(offset + 8), last = u64(offset + 16)
            XCTAssertEqual(blocks, 1)
            XCTAssertEqual(last, want.count % blockSize)
            let compressed = u64(offset + 24)
            let body = Array(bytes[(offset + 32)..<(offset + 32 + compressed)])
            XCTAssertEqual(try Gzip.decompress(body, maxOutputBytes: 1 << 24), want, "array \(a)")
            offset += 32 + compressed
        }
    }

    func testLabelTablesNameEveryLabel() {
        let t = LabelTable.tissues([4: "cancellous_bone", 10: "spinal_cord"])
        XCTAssertEqual(t.slicerColorTable.split(separator: "\n").filter { !$0.hasPrefix("#") },
                       ["0 background 0 0 0 0", "4 cancellous_bone 205 185 150 255", "10 spinal_cord 255 130 200 255"])
        let snap = LabelTable.zones(AblationZone.Label.legend).itkSnapLabels.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(snap.count, 5)
        XCTAssertEqual(snap[1], "    1    0  224    0 1.00  1  1 \"ablated\"")
        XCTAssertTrue(snap[0].hasSuffix("0.00  0  0 \"untreated\""), String(snap[0]))
        XCTAssertEqual(LabelTable.token("a b\"c"), "a_b_c")
    }

    func testNiftiReadByNibabel() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try makeRunOutput()
        try out.write(to: dir, vti: false)
        let a = out.grid.affineMillimetres
        let script = """
        import sys, numpy as np, nibabel as nib
        d = sys.argv[1]
        expected = np.array([float(x) for x in sys.argv[2].split(',')]).reshape(4, 4)
        for name in ['t_max', 't_min', 'cem43', 'omega', 'zones', 'labels']:
            img = nib.load(d + '/' + name + '.nii.gz')
            assert img.shape == (7, 6, 5), (name, img.shape)
            assert np.allclose(img.affine, expected, atol=1e-4), (name, img.affine)
            assert np.allclose(img.header.get_qform(), expected, atol=1e-4), (name, img.header.get_qform())
            assert int(img.header['sform_code']) == 1 and int(img.header['qform_code']) == 1
        t = nib.load(d + '/t_max.nii.gz').get_fdata()
        for (i, j, k) in [(0, 0, 0), (6, 0, 0), (2, 5, 1), (6, 5, 4)]:
            want = 37 + i + 2 * j + 0.25 * k
            assert abs(t[i, j, k] - want) < 1e-5, ((i, j, k), t[i, j, k], want)
        lab = nib.load(d + '/labels.nii.gz')
        assert lab.get_data_dtype() == np.uint8
        l = np.asanyarray(lab.dataobj)
        assert l[0, 3, 2] == 10 and l[3, 0, 0] == 12 and l[5, 5, 4] == 4, (l[0, 3, 2], l[3, 0, 0], l[5, 5, 4])
        c = nib.load(d + '/cem43.nii.gz').get_fdata()
        assert abs(c[1, 2, 3] - 0.5 * (1 + 7 * (2 + 6 * 3))) < 1e-4, c[1, 2, 3]
        # World position of voxel (3, 3, 2) is the probe tip written in the summary.
        w = lab.affine @ np.array([3, 3, 2, 1.0])
        print('ok', w[:3])
        """
        guard let r = try runPython(script, arguments: [dir.path, a.map { "\($0)" }.joined(separator: ",")]) else {
            throw XCTSkip("python3 with nibabel and numpy is not available (pip install nibabel numpy); NIfTI cross-check skipped")
        }
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.hasPrefix("ok"), r.output)
        let tip = out.summary.probes[0].tipMm
        let printed = r.output.dropFirst(3).trimmingCharacters(in: CharacterSet(charactersIn: "[] \n")).split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(printed.count, 3, r.output)
        for (p, t) in zip(printed, tip) { XCTAssertEqual(p, t, accuracy: 1e-3) }
    }
}

final class GeneratorSeriesTests: XCTestCase {
    func testFromSimulationTuples() {
        let g = GeneratorSeries([(time: 0, samples: [ChannelSample(channel: "a", power: 1, energy: 0)]),
                                 (time: 1, samples: [ChannelSample(channel: "a", power: 2, energy: 1.5), ChannelSample(channel: "b", power: 3, energy: 3)])])
        XCTAssertEqual(g.times, [0, 1])
        XCTAssertEqual(g.channels, ["a", "b"])
        let csv = CSVTables.generator(g).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(csv[0], "time_s,a_power_w,a_energy_j,b_power_w,b_energy_j", "no impedance column for sources without one")
        XCTAssertEqual(csv[1], "0,1,0,,")
    }

    /// Generator samples at step times (0, 1.2, 2.4, 3.6) put on the record grid (0, 1, 2, 3, 4).
    func testResampledOnTheRecordGrid() {
        var g = GeneratorSeries()
        for (t, p) in [(0.0, 0.0), (1.2, 12.0), (2.4, 12.0), (3.6, 6.0)] {
            g.append(time: t, channels: [ChannelSample(channel: "ch1", power: p, impedance: t < 2 ? nil : 100 * t, energy: 10 * t)])
        }
        let r = g.resampled(at: [0, 1, 2, 3, 4])
        XCTAssertEqual(r.times, [0, 1, 2, 3, 4])
        XCTAssertEqual(r.samples.map { $0[0].power }, [0, 10, 12, 9, 6])
        XCTAssertEqual(r.samples[1][0].energy, 10, accuracy: 1e-12)
        XCTAssertEqual(r.samples[3][0].energy, 30, accuracy: 1e-12)
        XCTAssertEqual(r.samples[4][0].energy, 36, accuracy: 1e-12, "held after the last sample")
        XCTAssertNil(r.samples[1][0].impedance)
        XCTAssertEqual(try XCTUnwrap(r.samples[3][0].impedance), 300, accuracy: 1e-9)
        XCTAssertEqual(g.resampled(at: []), g)
    }

    func testChannelsNamedByProbe() {
        var g = GeneratorSeries()
        g.append(time: 0, channels: [ChannelSample(channel: "left", power: 1, energy: 0), ChannelSample(channel: "cryo_1", power: -1, energy: 0),
                                     ChannelSample(channel: "other", power: 0, energy: 0)])
        let probes = [RunSummary.Probe(name: "left", channel: "ch1", tipMm: [0, 0, 0], entryMm: [0, 0, 1], energyJ: 0),
                      RunSummary.Probe(name: "cryo1", channel: "cryo_1", tipMm: [0, 0, 0], entryMm: [0, 0, 1], energyJ: 0)]
        XCTAssertEqual(g.namedByProbe(probes).channels, ["left", "cryo1", "other"])
    }

    func testEventLogHasExactTimesInOrder() throws {
        var s = try makeRunOutput().summary
        s.interlock.trippedS = 30.25
        s.events = [SourceEvent(timeS: 20.125, channel: "left", kind: "roll-off", impedanceOhm: 150.5),
                    SourceEvent(timeS: 40, channel: "laser", kind: "resumed", impedanceOhm: nil)]
        let lines = CSVTables.events(s).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, ["time_s,source,event,value,value_unit",
                               "12.5,cord_anterior,heat-42,42,C",
                               "20.125,left,roll-off,150.5,ohm",
                               "30.25,cord_anterior,heat-45,45,C",
                               "30.25,interlock,interlock-cut,45,C",
                               "40,laser,resumed,,",
                               "50,cord_anterior,cem43,10,min"])
    }

    /// Every interlock trip is a row: a predictive heat trip with its forecast at the
    /// thermocouple, and a cold trip.
    func testEventLogListsEveryInterlockTrip() throws {
        var s = try makeRunOutput().summary
        s.flags = []
        s.interlock.mode = "predictive"
        s.interlock.coldThresholdC = 10
        s.interlock.events = [
            RunSummary.InterlockEvent(timeS: 32.5, kind: "heat", trigger: "forecast", thermocouple: "cord_anterior", thresholdC: 45,
                                      readingC: 44.25, forecastC: 44.5, peakC: 44.75),
            RunSummary.InterlockEvent(timeS: 40, kind: "cold", trigger: "reading", thermocouple: "root_left", thresholdC: 10,
                                      readingC: 9.5, forecastC: nil, peakC: 7)]
        s.interlock.trippedS = 32.5
        XCTAssertEqual(CSVTables.events(s).split(separator: "\n").map(String.init),
                       ["time_s,source,event,value,value_unit",
                        "32.5,cord_anterior,interlock-forecast,44.5,C",
                        "32.5,interlock,interlock-predictive,45,C",
                        "40,interlock,interlock-predictive-cold,10,C"])
        let line = InterlockText.line(s.interlock)
        XCTAssertTrue(line.contains("(predictive, 10 to 45 C)"), line)
        XCTAssertTrue(line.contains("heat trip at 32.5 s (cord_anterior 44.25 C, forecast 44.50 C), peak after it 44.75 C"), line)
        XCTAssertTrue(line.contains("cold trip at 40.0 s (root_left 9.50 C), coldest after it 7.00 C"), line)
    }

    func testShortestNumberText() {
        XCTAssertEqual(NumberText.shortest(37), "37")
        XCTAssertEqual(NumberText.shortest(-0.0), "0")
        XCTAssertEqual(NumberText.shortest(0.1), "0.1")
        XCTAssertEqual(NumberText.shortest(1.97e-05), "1.97e-05")
        XCTAssertEqual(NumberText.shortest(19.999999999999957), "19.999999999999957")
        XCTAssertEqual(NumberText.shortest(.nan), "nan")
        XCTAssertEqual(NumberText.shortest(-.infinity), "-inf")
        for x in [Double.pi, 1e-300, 123456.789, 2.5e20, 0.000123] { XCTAssertEqual(Double(NumberText.shortest(x)), x) }
    }
}
