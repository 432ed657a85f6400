import Foundation
import AblasimCore

/// An electrode face whose Joule heating is shared between the tissue voxel and the shaft.
struct SplitFace {
    /// Padded index of the tissue voxel in the solver's fields.
    var padded: Int
    /// Index in the heated box (for the vaporization ratio), -1 outside it.
    var heatIndex: Int
    var probe: Int
    var segment: Int
}

/// The near-field thermal coupling between the shafts and the tissue, built on the first
/// step from the solver's materials.
struct ShaftCoupling {
    struct Face {
        var tissue: Int      // padded solver index
        var ring: Int        // index into ringPadded
        var segment: Int     // segment of the shaft voxel
        var effective: Double  // lambda k A / h [W/K]
        var lattice: Double    // what the solver conducts to the held voxel, 2 k A / h [W/K]
    }
    var faces: [[Face]]
    /// Held shaft voxels per probe: (padded index, segment).
    var held: [[(Int, Int)]]
    var ringPadded: [Int]
    var ringCapacity: [Double]
    var ringConductance: [Double]
}

extension RFSource {
    /// Builds the near-field faces, the electrode face factors of the potential solve, the
    /// steel shafts and the ring box (init, before any solve).
    func setUpNearField() {
        var factors: [Int: Double] = [:]
        var lo = grid.dims, hi = SIMD3<Int>(repeating: -1)
        let h = grid.spacing.min()
        for (p, r) in rasters.enumerated() {
            let faces = ElectrodeNearField.faces(of: probes[p], raster: r, grid: grid, excluded: shaftVoxels)
            shaftFaces.append(faces)
            var role: [Int: ProbeRaster.Role] = [:]
            for (v, ro) in zip(r.voxels, r.roles) { role[v] = ro }
            for f in faces {
                let c = grid.voxel(f.tissue)
                lo = pointwiseMin(lo, c); hi = pointwiseMax(hi, c)
                guard case .electrode = role[f.shaft] else { continue }
                let a = c &- boxOrigin
                let b = grid.voxel(f.shaft) &- boxOrigin
                guard all(a .>= .zero) && all(a .< boxSize) && all(b .>= .zero) && all(b .< boxSize) else { continue }
                let pa = potential.role.index(a.x, a.y, a.z), pb = potential.role.index(b.x, b.y, b.z)
                factors[ElectricPotentialSolver.faceKey(lower: min(pa, pb), axis: f.axis)] = f.factor
            }
            let length = (r.voxels.map { v -> Double in
                let w = grid.world(voxel: v)
                return min(max(((w - probes[p].tip) * probes[p].backward).sum(), 0), probes[p].length)
            }.max() ?? 0) + 0.5 * h
            shafts.append(ElectrodeShaft(probe: probes[p], lengthInGrid: length, spacing: h, initialTemperature: Blood.arterialTemperature))
        }
        potential.electrodeFaceFactors = factors
        if hi.x >= 0 { ringBox = (lo, hi) }
        thermocoupleState = probes.map { $0.thermocouples.map { _ in Double.nan } }
    }

    /// The electrode faces of the current circuit and their heating per voltage product.
    func buildSplitFaces(psi: [Field3D<Double>], electrodeValue: [[Double]]) {
        splitFaces = []; splitHeat = pairs.map { _ in [] }
        let fine = potential.levels[0]
        let sy = fine.sy, sz = fine.sz
        let g = grid
        for (e, faces) in potential.electrodeFaces.enumerated() {
            let p = electrodes[e].probe
            let probe = probes[p]
            for (q, cond) in faces {
                let k = q / sz - 1, j = q % sz / sy - 1, i = q % sy - 1
                let c = SIMD3(i, j, k) &+ boxOrigin
                let w = g.world(SIMD3(Double(c.x), Double(c.y), Double(c.z)))
                let t = min(max(((w - probe.tip) * probe.backward).sum(), 0), probe.length)
                let hc = SIMD3(i, j, k) &- heatOrigin
                let heatIndex = all(hc .>= .zero) && all(hc .< heatSize) ? (hc.z * heatSize.y + hc.y) * heatSize.x + hc.x : -1
                splitFaces.append(SplitFace(padded: (c.z + 1) * (g.nx + 2) * (g.ny + 2) + (c.y + 1) * (g.nx + 2) + c.x + 1,
                                            heatIndex: heatIndex, probe: p, segment: shafts[p].segment(at: t)))
                for (n, (a, b)) in pairs.enumerated() {
                    let pa = psi[a].base[q], pb = psi[b].base[q]
                    splitHeat[n].append(cond * (electrodeValue[e][a] - pa) * (electrodeValue[e][b] - pb))
                }
            }
        }
    }

    func buildCoupling(_ solver: PennesSolver<Float>) {
        let h = grid.spacing
        let areaOverDistance = [h.y * h.z / h.x, h.x * h.z / h.y, h.x * h.y / h.z]
        let volume = grid.voxelVolume
        var ringIndex: [Int: Int] = [:]
        var ringPadded: [Int] = [], ringCapacity: [Double] = [], ringConductance: [Double] = []
        var faces: [[ShaftCoupling.Face]] = []
        var held: [[(Int, Int)]] = []
        let t = solver.temperature
        for (p, list) in shaftFaces.enumerated() {
            var out: [ShaftCoupling.Face] = []
            var sum = 0.0, count = 0.0
            for f in list {
                let c = grid.voxel(f.tissue)
                let code = Int(solver.codes[c.x, c.y, c.z] & ~MaterialCode.coagulated)
                guard code < solver.materials.count, let tissue = solver.materials[code].tissue else { continue }
                let padded = t.index(c.x, c.y, c.z)
                let lattice = tissue.thermalConductivity * areaOverDistance[f.axis]
                let r: Int
                if let existing = ringIndex[padded] { r = existing } else {
                    r = ringPadded.count; ringIndex[padded] = r
                    ringPadded.append(padded); ringCapacity.append(tissue.heatCapacity * volume); ringConductance.append(0)
                }
                let effective = f.factor * lattice
                ringConductance[r] += effective
                out.append(ShaftCoupling.Face(tissue: padded, ring: r, segment: shafts[p].segment(at: f.shaftAxial),
                                              effective: effective, lattice: 2 * lattice))
                sum += Double(t.base[padded]); count += 1
            }
            faces.append(out)
            held.append(rasters[p].voxels.map { v in
                let c = grid.voxel(v)
                let w = grid.world(SIMD3(Double(c.x), Double(c.y), Double(c.z)))
                let a = min(max(((w - probes[p].tip) * probes[p].backward).sum(), 0), probes[p].length)
                return (t.index(c.x, c.y, c.z), shafts[p].segment(at: a))
            })
            // An uncooled shaft starts at the mean temperature of the tissue around it.
            if !shaftsStarted, probes[p].cooling == nil, count > 0 {
                shafts[p].temperature = [Double](repeating: sum / count, count: shafts[p].count)
            }
        }
        shaftsStarted = true
        thermal = ShaftCoupling(faces: faces, held: held, ringPadded: ringPadded, ringCapacity: ringCapacity, ringConductance: ringConductance)
        for p in probes.indices {
            for (n, tc) in probes[p].thermocouples.enumerated() where thermocoupleState[p][n].isNaN {
                thermocoupleState[p][n] = shafts[p].temperature(atDistance: tc.distanceFromTip)
            }
        }
    }

    /// The near-field step of the shafts: half of the electrode-face heating moved from the
    /// tissue voxels to the metal, one implicit step of every shaft, the shaft voxels held
    /// at their segment's temperature, the tissue's near-field exchange corrected, the
    /// on-shaft thermocouples filtered (`ElectrodeShaft`).
    func shaftStep(_ solver: PennesSolver<Float>) throws {
        if thermal == nil { buildCoupling(solver) }
        guard let th = thermal else { return }
        let dt = solver.dt, volume = grid.voxelVolume
        let t = solver.temperature.base, src = solver.source.base
        var heat = shafts.map { [Double](repeating: 0, count: $0.count) }
        var moved = 0.0, corrected = 0.0
        if !splitFaces.isEmpty, weights.count == splitHeat.count, weights.contains(where: { $0 != 0 }) {
            var ratio: [Int: Float] = [:]
            for (l, r) in lastCorrections { ratio[l] = r }
            let renorm = lastRenormalization
            for (f, face) in splitFaces.enumerated() {
                var w = 0.0
                for n in weights.indices { w += weights[n] * splitHeat[n][f] }
                w *= renorm * Double(face.heatIndex >= 0 ? (ratio[face.heatIndex] ?? 1) : 1)
                let half = 0.5 * w
                src[face.padded] -= Float(half / volume)
                heat[face.probe][face.segment] += half
                moved += half
            }
        }
        // Exchange of each ring voxel over the step, limited to its exact lone relaxation.
        let phi = th.ringPadded.indices.map { r -> Double in
            let g = th.ringConductance[r], c = th.ringCapacity[r]
            guard g > 0 else { return 0 }
            let x = g * dt / c
            return x < 1e-6 ? 1 : -expm1(-x) / x
        }
        for p in shafts.indices {
            let s = shafts[p]
            var exchange = [Double](repeating: 0, count: s.count), drive = exchange
            for f in th.faces[p] {
                let g = phi[f.ring] * f.effective
                exchange[f.segment] += g
                drive[f.segment] += g * Double(t[f.tissue])
            }
            s.step(dt: dt, exchange: exchange, drive: drive, heat: heat[p])
            guard s.temperature.allSatisfy({ $0.isFinite }) else {
                throw PhysicsError.runtime("the steel shaft of probe '\(probes[p].name)' reached a non-finite temperature at t = \(solver.time) s")
            }
            for (padded, seg) in th.held[p] { t[padded] = Float(s.temperature[seg]) }
            for f in th.faces[p] {
                let g = phi[f.ring] * f.effective
                let w = (g - f.lattice) * (s.temperature[f.segment] - Double(t[f.tissue]))
                src[f.tissue] += Float(w / volume)
                corrected += w
            }
            for (n, tc) in probes[p].thermocouples.enumerated() {
                let target = s.temperature(atDistance: tc.distanceFromTip)
                let tau = tc.timeConstant
                let prev = thermocoupleState[p][n]
                thermocoupleState[p][n] = tau > 0 && prev.isFinite ? prev + (target - prev) * -expm1(-dt / tau) : target
            }
        }
        shaftHeating = moved
        shaftExchangeCorrection = corrected
    }

    /// Metal temperature of every shaft segment [C], tip first (near-field model only).
    public func shaftTemperatures() -> [[Double]] { shafts.map(\.temperature) }
}
