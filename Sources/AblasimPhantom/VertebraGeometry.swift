import Foundation

/// The analytic anatomy of one vertebral level and its neighbourhood, in a local frame
/// [mm]: x to the patient's right, y anterior, z superior; x = 0 is the midsagittal plane,
/// y = 0 the posterior wall of the body, z = 0 mid-body height. Every tissue is a simple
/// implicit shape (superellipses, elliptic tubes, boxes); `label(x:y:z:)` resolves the
/// overlaps by anatomical priority: bone, disc, nerve roots, canal contents, foraminal fat,
/// ligaments, fat, and paraspinal muscle everywhere else.
struct VertebraGeometry {
    typealias L = PhantomLabels
    let m: VertebraMorphometry
    /// Cortical shell and endplate thickness [mm]: measured cortex is 0.3-0.6 mm
    /// (Edwards 2001), modelled at 1.0 / 0.8 mm or 1.2 voxels, whichever is thicker, so the
    /// shell is resolved on the grid.
    let shell: Double, endplate: Double, pedicleShell: Double
    let halfWidth: Double, depth: Double, halfDepth: Double, halfHeight: Double
    /// Endplate concavity depth at the centre [mm].
    let concavity = 1.0
    let canalHalfWidth: Double, canalDepth: Double
    let pedicleHalfWidth: Double, pedicleHalfHeight: Double, pedicleZ: Double, tanPedicle: Double
    /// y of the pedicle isthmus and of the pedicle / lamina junction [mm].
    let yIsthmus: Double, yJunction: Double
    let laminaThickness: Double, laminaZLow: Double, laminaZHigh: Double
    let flavumThickness: Double
    let facetX: Double, facetY: Double, facetRx = 4.5, facetRy = 4.0, facetZLow: Double, facetZHigh: Double
    let spinousStart: Double, spinousHalfHeight: Double, spinousHalfThickness: Double, tanSpinous: Double
    let transverseInner: Double, transverseOuter: Double, transverseY: Double, transverseZ: Double
    let transverseRy: Double, transverseRz: Double, tanSweep: Double
    let epiduralAnterior = 2.2, epiduralLateral: Double, epiduralPosterior: Double, duraThickness: Double
    let sacCenterY: Double, sacHalfWidth: Double, sacHalfDepth: Double
    let rootRadius: Double
    /// Exiting nerve roots: polylines [mm] (this level's roots below the pedicles, the
    /// roots of the level above through the upper foramina).
    let roots: [[SIMD3<Double>]]
    /// Foraminal point of this level's left and right exiting roots [mm].
    let rootSiteLeft: SIMD3<Double>, rootSiteRight: SIMD3<Double>
    let zLow: Double, zHigh: Double
    let conusTip: Double
    var tumor: (center: SIMD3<Double>, radius: Double, label: UInt8, breach: Bool)?

    init(_ m: VertebraMorphometry, voxel h: Double) {
        self.m = m
        shell = max(1.0, 1.2 * h); endplate = max(0.8, 1.2 * h); pedicleShell = max(1.2, 1.2 * h)
        halfWidth = m.bodyWidth / 2; depth = m.bodyDepth; halfDepth = m.bodyDepth / 2; halfHeight = m.bodyHeight / 2
        canalHalfWidth = m.canalWidth / 2; canalDepth = m.canalDepth
        pedicleHalfWidth = m.pedicleWidth / 2; pedicleHalfHeight = m.pedicleHeight / 2
        // The pedicle's upper surface lies 1 mm below the upper endplate (pedicles join the
        // cranial half of the body).
        pedicleZ = halfHeight - pedicleHalfHeight - 1
        tanPedicle = tan(m.pedicleAngle * .pi / 180)
        yIsthmus = -0.25 * m.canalDepth
        yJunction = -0.55 * m.canalDepth
        laminaThickness = m.isLumbar ? 5 : 4.5
        laminaZLow = -halfHeight - 2; laminaZHigh = halfHeight - 4
        flavumThickness = m.isLumbar ? 2.5 : 1.5
        facetX = m.canalWidth / 2 + m.pedicleWidth / 2 + 1
        facetY = yJunction - 3.5
        facetZLow = -halfHeight - 0.7 * m.discBelow; facetZHigh = halfHeight + 0.7 * m.discAbove
        spinousStart = -m.canalDepth - laminaThickness + 1
        spinousHalfHeight = m.isLumbar ? 8 : 5.5
        spinousHalfThickness = m.isLumbar ? 3 : 2.5
        tanSpinous = tan(m.spinousSlope * .pi / 180)
        transverseInner = m.canalWidth / 2 + m.pedicleWidth / 2
        transverseOuter = max(m.transverseSpan / 2, transverseInner + 4)
        transverseY = yJunction - 1
        transverseZ = m.isLumbar ? pedicleZ - 1 : pedicleZ
        transverseRy = m.isLumbar ? 3.5 : 4.5; transverseRz = m.isLumbar ? 6.5 : 5.5
        tanSweep = tan(m.transverseSweep * .pi / 180)
        epiduralLateral = m.isLumbar ? 2.0 : 1.5
        epiduralPosterior = m.isLumbar ? 4.5 : 2.5
        duraThickness = max(0.5, h)
        sacHalfWidth = m.canalWidth / 2 - epiduralLateral
        let sacAnterior = -epiduralAnterior, sacPosterior = -m.canalDepth + epiduralPosterior
        sacCenterY = (sacAnterior + sacPosterior) / 2
        sacHalfDepth = (sacAnterior - sacPosterior) / 2
        rootRadius = m.isLumbar ? 1.8 : 1.2
        zLow = -halfHeight - m.discBelow - 2.5; zHigh = halfHeight + m.discAbove + 2.5
        conusTip = -0.6 * halfHeight

        var roots: [[SIMD3<Double>]] = []
        var sites: [SIMD3<Double>] = []
        let pedicleBottom = pedicleZ - pedicleHalfHeight
        let levelStep = m.bodyHeight + m.discAbove
        for s in [-1.0, 1.0] {
            for zBase in [pedicleBottom, pedicleBottom + levelStep] {
                let drop = m.isLumbar ? 14.0 : 8.0
                let p0 = SIMD3(s * (sacHalfWidth - 1), sacCenterY, zBase + 3)
                let p1 = SIMD3(s * (canalHalfWidth + pedicleHalfWidth), yIsthmus, zBase - 3.5)
                let p2 = SIMD3(s * (canalHalfWidth + m.pedicleWidth + 12), m.isLumbar ? 6 : 2, zBase - drop)
                roots.append([p0, p1, p2])
                if zBase == pedicleBottom { sites.append(p1) }
            }
        }
        self.roots = roots
        rootSiteLeft = sites[0]; rootSiteRight = sites[1]
    }

    // MARK: shapes

    @inline(__always) private func superellipse(_ u: Double, _ v: Double, _ n: Double, _ mm: Double) -> Double {
        pow(abs(u), n) + pow(abs(v), mm)
    }

    /// Body cross-section value (<= 1 inside) at waist factor `w`, shrunk by `inset` [mm].
    @inline(__always) private func bodySection(_ x: Double, _ y: Double, waist w: Double, inset: Double) -> Double {
        let v = y - halfDepth
        let a = halfWidth * w - inset
        let b = (v >= 0 ? halfDepth * w : halfDepth) - inset
        return superellipse(x / a, v / b, 2.3, v >= 0 ? 2.3 : 5)
    }

    /// Cortical or cancellous bone of a vertebral body centred at height 0 (`z` relative).
    private func body(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        guard abs(z) <= halfHeight, y >= 0, y <= depth, abs(x) <= halfWidth else { return nil }
        let t = z / halfHeight
        let w = 1 - 0.05 * (1 - t * t)
        let r = bodySection(x, y, waist: w, inset: 0)
        guard r <= 1 else { return nil }
        let surface = halfHeight - concavity * (1 - r)
        guard abs(z) <= surface else { return nil }
        let inner = bodySection(x, y, waist: w, inset: shell)
        return inner <= 1 && abs(z) <= surface - endplate ? L.cancellousBone : L.corticalBone
    }

    /// Intervertebral disc between two bodies whose facing endplates are at `bottom` and `top`.
    private func disc(_ x: Double, _ y: Double, _ z: Double, bottom: Double, top: Double) -> Bool {
        guard z > bottom - concavity, z < top + concavity, y >= 0, abs(x) <= halfWidth + 0.5 else { return false }
        let r = bodySection(x, y, waist: 1, inset: 0)
        guard r <= 1 else { return false }
        let c = concavity * (1 - r)
        return z > bottom - c && z < top + c
    }

    private func pedicle(_ x: Double, _ y: Double, _ z: Double, side s: Double) -> UInt8? {
        guard y <= 3, y >= yJunction - 1.5, abs(z - pedicleZ) <= pedicleHalfHeight else { return nil }
        let xc = s * (canalHalfWidth + pedicleHalfWidth + (yIsthmus - y) * tanPedicle)
        let u = (x - xc) / pedicleHalfWidth, v = (z - pedicleZ) / pedicleHalfHeight
        guard u * u + v * v <= 1 else { return nil }
        let ui = (x - xc) / (pedicleHalfWidth - pedicleShell), vi = (z - pedicleZ) / (pedicleHalfHeight - pedicleShell)
        return ui * ui + vi * vi <= 1 ? L.cancellousBone : L.corticalBone
    }

    /// Spinal canal cross-section value (<= 1 inside), grown by `grow` [mm].
    @inline(__always) private func canal(_ x: Double, _ y: Double, grow: Double = 0) -> Double {
        let v = y + canalDepth / 2
        return superellipse(x / (canalHalfWidth + grow), v / (canalDepth / 2 + grow), 2.2, v >= 0 && grow == 0 ? 6 : 2.2)
    }

    private func lamina(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        guard y < yJunction, z >= laminaZLow, z <= laminaZHigh else { return nil }
        guard canal(x, y) > 1, canal(x, y, grow: laminaThickness) <= 1 else { return nil }
        let inner = canal(x, y, grow: shell) > 1 && canal(x, y, grow: laminaThickness - shell) <= 1
            && z >= laminaZLow + shell && z <= laminaZHigh - shell
        return inner ? L.cancellousBone : L.corticalBone
    }

    private func facet(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        guard z >= facetZLow, z <= facetZHigh else { return nil }
        let u = (abs(x) - facetX) / facetRx, v = (y - facetY) / facetRy
        guard u * u + v * v <= 1 else { return nil }
        let ui = (abs(x) - facetX) / (facetRx - shell), vi = (y - facetY) / (facetRy - shell)
        return ui * ui + vi * vi <= 1 && z >= facetZLow + shell && z <= facetZHigh - shell ? L.cancellousBone : L.corticalBone
    }

    private func spinous(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        let d = spinousStart - y
        guard d >= 0, d <= m.spinousLength else { return nil }
        let taper = 1 - 0.3 * d / m.spinousLength
        let zc = (laminaZLow + laminaZHigh) / 2 - d * tanSpinous
        let hh = spinousHalfHeight * taper, ht = spinousHalfThickness * taper
        guard abs(x) <= ht, abs(z - zc) <= hh else { return nil }
        let inner = abs(x) <= ht - shell && abs(z - zc) <= hh - shell && d <= m.spinousLength - shell
        return inner ? L.cancellousBone : L.corticalBone
    }

    private func transverse(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        let d = abs(x) - transverseInner
        let length = transverseOuter - transverseInner
        guard d >= 0, d <= length else { return nil }
        let taper = 1 - 0.35 * d / length
        let yc = transverseY - d * tanSweep
        let ry = transverseRy * taper, rz = transverseRz * taper
        let u = (y - yc) / ry, v = (z - transverseZ) / rz
        guard u * u + v * v <= 1 else { return nil }
        let ui = (y - yc) / (ry - shell), vi = (z - transverseZ) / (rz - shell)
        return ui * ui + vi * vi <= 1 && d <= length - shell ? L.cancellousBone : L.corticalBone
    }

    /// Bone of this level and of the neighbouring bodies (cortical or cancellous).
    func bone(_ x: Double, _ y: Double, _ z: Double) -> UInt8? {
        if let b = body(x, y, z) { return b }
        let upper = m.bodyHeight + m.discAbove, lower = -(m.bodyHeight + m.discBelow)
        if z > halfHeight, let b = body(x, y, z - upper) { return b }
        if z < -halfHeight, let b = body(x, y, z - lower) { return b }
        if y < 3 {
            if let b = pedicle(x, y, z, side: 1) ?? pedicle(x, y, z, side: -1) { return b }
            if let b = facet(x, y, z) { return b }
            if let b = transverse(x, y, z) { return b }
            if let b = lamina(x, y, z) { return b }
            if let b = spinous(x, y, z) { return b }
        }
        return nil
    }

    private func distanceToPolyline(_ p: SIMD3<Double>, _ line: [SIMD3<Double>]) -> Double {
        var best = Double.infinity
        for s in 0..<(line.count - 1) {
            let a = line[s], b = line[s + 1], ab = b - a
            let t = max(0, min(1, ((p - a) * ab).sum() / (ab * ab).sum()))
            let d = p - (a + t * ab)
            best = min(best, (d * d).sum())
        }
        return best.squareRoot()
    }

    /// Distance [mm] to the nearest nerve root axis, with the dorsal root ganglion (a
    /// swelling of 1.6x the root radius at the foraminal point) folded into the radius.
    private func rootDepth(_ p: SIMD3<Double>) -> Double {
        var best = Double.infinity
        for line in roots {
            let d = distanceToPolyline(p, line) - rootRadius
            let g = line[1] - p
            let ganglion = (g * g).sum().squareRoot() - 1.6 * rootRadius
            best = min(best, d, ganglion)
        }
        return best
    }

    /// The tissue label at local point (x, y, z) [mm], before the tumour.
    func baseLabel(_ x: Double, _ y: Double, _ z: Double) -> UInt8 {
        if let b = bone(x, y, z) { return b }
        if disc(x, y, z, bottom: halfHeight, top: halfHeight + m.discAbove) { return L.disc }
        if disc(x, y, z, bottom: -halfHeight - m.discBelow, top: -halfHeight) { return L.disc }
        let inCanal = y <= 0 && y >= -canalDepth && canal(x, y) <= 1
        let p = SIMD3(x, y, z)
        // Cord / conus and cauda equina inside the dural sac.
        var insideSac = false
        if inCanal {
            let u = x / sacHalfWidth, v = (y - sacCenterY) / sacHalfDepth
            let sac = superellipse(u, v, 2.2, 2.2)
            if sac <= 1 {
                insideSac = true
                let ui = x / (sacHalfWidth - duraThickness), vi = (y - sacCenterY) / (sacHalfDepth - duraThickness)
                if superellipse(ui, vi, 2.2, 2.2) > 1 { return L.dura }
                if m.cordWidth > 0 {
                    var scale = 1.0
                    if m.hasConus {
                        scale = z <= conusTip ? 0 : min(1, ((z - conusTip) / (zHigh - conusTip)).squareRoot())
                    }
                    let cu = x / (m.cordWidth / 2 * scale), cv = (y - sacCenterY) / (m.cordDepth / 2 * scale)
                    if scale > 0, cu * cu + cv * cv <= 1 { return L.spinalCord }
                }
            }
        }
        let nearRoot = rootDepth(p)
        if nearRoot <= 0 { return L.nerveRoot }
        if insideSac {
            let hasCauda = m.cordWidth == 0 || m.hasConus
            let cu = x / (sacHalfWidth * (m.hasConus ? 0.8 : 0.65)), cv = (y - sacCenterY) / (sacHalfDepth * (m.hasConus ? 0.75 : 0.6))
            if hasCauda, cu * cu + cv * cv <= 1 { return L.caudaEquina }
            return L.csf
        }
        if inCanal {
            if y >= -0.8 && abs(x) <= 5 { return L.ligament }                      // posterior longitudinal ligament
            if y < yJunction && canal(x, y, grow: -flavumThickness) > 1 { return L.ligament } // ligamentum flavum
            return L.epiduralFat
        }
        // Lateral recesses and foramina: epidural / foraminal fat around the roots.
        if y <= 0, y >= yJunction - 1, abs(x) <= canalHalfWidth + m.pedicleWidth + 3 { return L.epiduralFat }
        // Interlaminar ligamentum flavum and interspinous ligament.
        if y < yJunction, canal(x, y) > 1, canal(x, y, grow: laminaThickness) <= 1 { return L.ligament }
        if abs(x) <= 1.5, y < spinousStart + 1, y > spinousStart - 0.9 * m.spinousLength { return L.ligament }
        if nearRoot <= 1.5 { return L.fat }                                           // perineural fat
        let v = y - halfDepth
        if v > 0 {
            // Anterior longitudinal ligament, then prevertebral fat.
            if superellipse(x / (halfWidth + 1), v / (halfDepth + 1), 2.3, 2.3) <= 1 { return L.ligament }
            if v > 0.3 * halfDepth, superellipse(x / (halfWidth + 3.5), v / (halfDepth + 3.5), 2.3, 2.3) <= 1 { return L.fat }
        }
        return L.muscle
    }

    /// The tissue label at local point (x, y, z) [mm], tumour included.
    func label(_ x: Double, _ y: Double, _ z: Double) -> UInt8 {
        let base = baseLabel(x, y, z)
        guard let tumor else { return base }
        let d = SIMD3(x, y, z) - tumor.center
        guard (d * d).sum() <= tumor.radius * tumor.radius, abs(z) <= halfHeight else { return base }
        switch base {
        case L.corticalBone, L.cancellousBone: return tumor.label
        case L.epiduralFat, L.ligament: return tumor.breach && y <= 0 && y >= -canalDepth ? tumor.label : base
        default: return base
        }
    }

    // MARK: landmarks

    /// The transpedicular trajectory of side `s` (+1 right, -1 left): through the pedicle
    /// isthmus, converging medially 3 degrees more than the pedicle axis, aimed slightly
    /// caudally at 62 % of the body depth; the entry is where the line leaves the posterior
    /// bone surface.
    func pedicleTrajectory(side s: Double) -> (entry: SIMD3<Double>, target: SIMD3<Double>) {
        let isthmus = SIMD3(s * (canalHalfWidth + pedicleHalfWidth), yIsthmus, pedicleZ)
        let angle = (m.pedicleAngle + 3) * .pi / 180
        let targetY = 0.62 * depth
        let target = SIMD3(isthmus.x - s * (targetY - yIsthmus) * tan(angle), targetY, 0.5 * pedicleZ)
        let back = -(target - isthmus) / ((target - isthmus) * (target - isthmus)).sum().squareRoot()
        var lastBone = isthmus
        var t = 0.0
        while t < 60 {
            t += 0.05
            let p = isthmus + t * back
            if bone(p.x, p.y, p.z) != nil { lastBone = p }
            let gap = lastBone - p
            if (gap * gap).sum() > 2.25 { break }
        }
        return (lastBone, target)
    }

    /// Thermocouple sites [mm].
    var sites: [String: SIMD3<Double>] {
        [
            "cord_anterior": SIMD3(0, -1.5, 0),
            "cord_posterior": SIMD3(0, -canalDepth + flavumThickness + (epiduralPosterior - flavumThickness) / 2, 0),
            "root_left": rootSiteLeft,
            "root_right": rootSiteRight,
            "posterior_wall": SIMD3(0, shell / 2, 0),
        ]
    }

    /// Local bounding box of the phantom [mm], with `margin` of muscle around the bone.
    func bounds(margin: Double) -> (low: SIMD3<Double>, high: SIMD3<Double>) {
        let xh = max(transverseOuter, halfWidth + 4.5) + margin
        let yl = spinousStart - m.spinousLength - margin
        let yh = depth + 3.5 + margin
        return (SIMD3(-xh, yl, zLow), SIMD3(xh, yh, zHigh))
    }
}
