<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="80" />
            <source>parallax: swir-cirrus, and only what is displaced between the near-infrared bands is cloud (default)</source>
            <translation>parallax: swir-cirrus, und nur was zwischen den Nahinfrarotbändern verschoben ist, ist Wolke (Standard)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="82" />
            <source>swir-cirrus: cloud score with bright-ground and texture vetoes and a cirrus test</source>
            <translation>swir-cirrus: Wolkenwert mit Vetos für hellen Boden und Textur und einem Zirrustest</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="84" />
            <source>gee: the Google Earth Engine cloud score alone (flags bright roofs and sand)</source>
            <translation>gee: nur der Wolkenwert von Google Earth Engine (markiert helle Dächer und Sand)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="154" />
            <source>Reading the rasters...</source>
            <translation>Die Raster werden gelesen...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="157" />
            <source>Preparing the network for {0} tile(s)...</source>
            <translation>Das Netz wird für {0} Kachel(n) vorbereitet...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="169" />
            <source>Removing clouds: {0}/{1} tiles</source>
            <translation>Wolken werden entfernt: {0}/{1} Kacheln</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="245" />
            <location filename="../plugin/main.py" line="52" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>Wolken entfernen (SAR-optisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="248" />
            <source>Cloud removal</source>
            <translation>Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="261" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file (PyTorch) or its .onnx export (onnxruntime, no PyTorch needed); the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with every band of the optical raster, in its order (same CRS, extent and size as the optical raster, same scale as its digital numbers). The bands the weights restore (&lt;b&gt;Optical bands&lt;/b&gt;) are filled in cloudy pixels; the other bands keep their input values in cloudy pixels too.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Stellt ein von Wolken bedecktes &lt;b&gt;Sentinel-2&lt;/b&gt;-Bild mit Hilfe eines &lt;b&gt;Sentinel-1&lt;/b&gt;-Radarbilds (SAR) desselben Ortes wieder her, mit dem neuronalen Netz MMCANet (Zhou et al., IEEE TGRS 2025). Radar sieht durch Wolken; das Netz nutzt es, um zu ergänzen, was die Wolken verdecken.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR-Raster&lt;/b&gt;: Sentinel-1 GRD mit zwei Bändern, erst VV, dann VH, als Rückstreuung in dB (wie in SEN12MS-CR) oder als lineare Leistung (wird automatisch umgerechnet).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optisches Raster&lt;/b&gt;: das bewölkte Sentinel-2-Level-1C-Bild als Digitalwerte (Reflexion x 10000), meist alle 13 Bänder B1..B12 in der üblichen Reihenfolge.&lt;/p&gt;&lt;p&gt;Beide Raster müssen &lt;b&gt;koregistriert&lt;/b&gt; sein und denselben Ort abdecken, am besten im selben Pixelraster (beide zuerst auf dieselbe Ausdehnung zuschneiden). Ein SAR-Raster in einem anderen Raster wird auf das optische Raster umgerechnet; optische Pixel ohne SAR werden NoData.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optische Bänder&lt;/b&gt;: welche Bänder des optischen Rasters das Modell wiederherstellt, ab 1 gezählt und in der Reihenfolge, die die Gewichte erwarten, z. B. 4,3,2 für Rot, Grün, Blau. Leer lassen, um die in den Gewichten gespeicherten Bänder zu verwenden.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gewichte&lt;/b&gt;: eine MMCANet-Datei .safetensors (PyTorch) oder ihr .onnx-Export (onnxruntime, ohne PyTorch); der mit dem Plugin gelieferte Checkpoint ist die Vorgabe, wenn es einen gibt.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Ausgabe&lt;/b&gt;: ein GeoTIFF mit jedem Band des optischen Rasters, in dessen Reihenfolge (gleiches KBS, gleiche Ausdehnung und Größe wie das optische Raster, gleiche Skala wie dessen Digitalwerte). Die Bänder, die die Gewichte wiederherstellen (&lt;b&gt;Optische Bänder&lt;/b&gt;), werden in bewölkten Pixeln gefüllt; die übrigen Bänder behalten auch in bewölkten Pixeln ihre Eingabewerte.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gerät&lt;/b&gt;: Automatisch nutzt eine CUDA-GPU, wenn PyTorch eine findet, sonst die CPU. Auf der CPU kann eine große Szene lange dauern; das Bild wird in überlappenden Kacheln verarbeitet (erweiterte Parameter), und der Lauf kann jederzeit abgebrochen werden.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="287" />
            <source>&lt;p&gt;&lt;b&gt;Clouds&lt;/b&gt;: only cloudy pixels are restored. A cloud and shadow mask is computed from the optical bands, or taken from the &lt;b&gt;Cloud mask&lt;/b&gt; raster (any grid, resampled nearest; e.g. a Sentinel-2 L2A SCL layer, an Fmask or s2cloudless output, or a 0/1 layer). &lt;b&gt;Cloud mask values&lt;/b&gt; says which of its values mean cloud or shadow: binary (1), scl (3, 8, 9, 10), fmask (2, 4) or a list such as 3,8,9,10. Clear pixels keep their input values exactly; the network fills the clouds, feathered across the edge. &lt;b&gt;Raw network output&lt;/b&gt; (advanced) writes the network everywhere instead. &lt;b&gt;Cloud mask output&lt;/b&gt; also saves the mask (0 clear, 1 cloud, 2 shadow, 255 nodata); the cloud and shadow cover are outputs of the algorithm and are written to the log.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical scale&lt;/b&gt; (advanced): auto detects the optical values' scale; dn: digital numbers (reflectance x 10000); offset: digital numbers + 1000 (products of processing baseline 04.00 and later); reflectance: 0..1. The output keeps the input's scale.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Backend&lt;/b&gt; (advanced): auto runs .onnx weights on onnxruntime and .safetensors on PyTorch when it is installed (else the .onnx copy beside them on onnxruntime); torch or onnxruntime choose one.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Wolken&lt;/b&gt;: Nur bewölkte Pixel werden wiederhergestellt. Eine Wolken- und Schattenmaske wird aus den optischen Bändern berechnet oder aus dem Raster &lt;b&gt;Wolkenmaske&lt;/b&gt; übernommen (beliebiges Raster, per nächstem Nachbarn umgerechnet; z. B. eine Sentinel-2-L2A-SCL-Ebene, eine Fmask- oder s2cloudless-Ausgabe oder eine 0/1-Ebene). &lt;b&gt;Werte der Wolkenmaske&lt;/b&gt; gibt an, welche ihrer Werte Wolke oder Schatten bedeuten: binary (1), scl (3, 8, 9, 10), fmask (2, 4) oder eine Liste wie 3,8,9,10. Klare Pixel behalten ihre Eingabewerte exakt; das Netz füllt die Wolken, am Rand weich überblendet. &lt;b&gt;Rohe Netzausgabe&lt;/b&gt; (erweitert) schreibt stattdessen überall das Netz. &lt;b&gt;Ausgabe der Wolkenmaske&lt;/b&gt; speichert zusätzlich die Maske (0 klar, 1 Wolke, 2 Schatten, 255 keine Daten); Wolken- und Schattenbedeckung sind Ausgaben des Algorithmus und stehen im Protokoll.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optische Skala&lt;/b&gt; (erweitert): auto erkennt die Skala der optischen Werte; dn: digitale Zahlen (Reflexion x 10000); offset: digitale Zahlen + 1000 (Produkte ab Processing Baseline 04.00); reflectance: 0..1. Die Ausgabe behält die Skala der Eingabe.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Backend&lt;/b&gt; (erweitert): auto führt .onnx-Gewichte mit onnxruntime aus und .safetensors mit PyTorch, wenn es installiert ist (sonst die .onnx-Kopie daneben mit onnxruntime); torch oder onnxruntime wählen eines fest.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="305" />
            <source>&lt;p&gt;&lt;b&gt;Automatic cloud mask method&lt;/b&gt; (advanced): parallax (the default) calls cloud only what is displaced between the near-infrared bands B8 and B8A, as clouds above the ground are, so that greenhouses, roofs and quarries stay clear; swir-cirrus keeps bright ground such as sand and bare soil clear and finds thin cirrus haze (both do); gee is the published Google Earth Engine cloud score alone, which also calls bright ground cloud. Not used with a &lt;b&gt;Cloud mask&lt;/b&gt; raster.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Methode der automatischen Wolkenmaske&lt;/b&gt; (erweitert): parallax (Standard) stuft nur ein, was zwischen den Nahinfrarotbändern B8 und B8A verschoben ist, wie es Wolken über dem Boden sind, sodass Gewächshäuser, Dächer und Steinbrüche klar bleiben; swir-cirrus lässt hellen Boden wie Sand und offenen Boden klar und findet dünnen Zirrusdunst (beide tun das); gee ist allein der veröffentlichte Wolkenwert von Google Earth Engine, der auch hellen Boden als Wolke einstuft. Wird mit einem Raster &lt;b&gt;Wolkenmaske&lt;/b&gt; nicht verwendet.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="313" />
            <source>&lt;p&gt;&lt;b&gt;Other dates&lt;/b&gt;: optional optical rasters of the same place on other days (same bands, any grid). Where the image is cloudy, the first of them that is clear there fills it, matched to this date's colours (a linear fit per band, local and robust, on the pixels clear in both), nearest date first when the dates are in the file names or metadata, else in the order given; the network fills only what no other date shows. &lt;b&gt;Source output&lt;/b&gt; saves where each pixel came from (0 input, N other date N, 254 network, 255 nodata).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Andere Aufnahmetermine&lt;/b&gt;: optionale optische Raster desselben Ortes an anderen Tagen (gleiche Bänder, beliebiges Raster). Wo das Bild bewölkt ist, füllt es der erste von ihnen, der dort wolkenfrei ist, an die Farben dieses Termins angepasst (eine lineare Anpassung je Band, lokal und robust, auf den in beiden wolkenfreien Pixeln), der nächstgelegene Termin zuerst, wenn die Daten in den Dateinamen oder Metadaten stehen, sonst in der angegebenen Reihenfolge; das Netz füllt nur, was kein anderer Termin zeigt. &lt;b&gt;Herkunftsausgabe&lt;/b&gt; speichert, woher jedes Pixel stammt (0 Eingabe, N anderer Termin N, 254 Netz, 255 NoData).&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="321" />
            <source>&lt;p&gt;&lt;b&gt;Bands&lt;/b&gt;: the output has every band of the optical raster, in its order; bands the weights do not restore (e.g. NIR and SWIR with RGB weights) keep their input values. &lt;b&gt;Uncertainty output&lt;/b&gt; (weights with an uncertainty head): the expected absolute error of each restored pixel in reflectance (low = confident), 0 where the input is kept.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Bänder&lt;/b&gt;: Die Ausgabe enthält jedes Band des optischen Rasters in dessen Reihenfolge; Bänder, die die Gewichte nicht wiederherstellen (z. B. NIR und SWIR bei RGB-Gewichten), behalten ihre Eingabewerte. &lt;b&gt;Unsicherheitsausgabe&lt;/b&gt; (Gewichte mit Unsicherheitskopf): der erwartete absolute Fehler jedes wiederhergestellten Pixels in Reflektanz (niedrig = sicher), 0 wo die Eingabe übernommen wird.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="327" />
            <source>&lt;p&gt;&lt;b&gt;The shipped weights are a demonstrator&lt;/b&gt;: a small network trained for less than an hour on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, BigEarthNet). They show how the tool works; their results are not fit for analysis. &lt;a href="{0}"&gt;Train your own weights&lt;/a&gt; (what the demonstrator was trained on and how well it does: &lt;a href="{1}"&gt;model card&lt;/a&gt;).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Die mitgelieferten Gewichte sind ein Demonstrator&lt;/b&gt;: ein kleines Netz, weniger als eine Stunde mit einer Handvoll echter Sentinel-1/-2-Ausschnitte (SEN12MS-CR, BigEarthNet) trainiert. Sie zeigen, wie das Werkzeug arbeitet; ihre Ergebnisse taugen nicht für Analysen. &lt;a href="{0}"&gt;Trainieren Sie eigene Gewichte&lt;/a&gt; (womit der Demonstrator trainiert wurde und wie gut er ist: &lt;a href="{1}"&gt;Modellkarte&lt;/a&gt;).&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="343" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR-Raster (Sentinel-1, Bänder VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="345" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>Bewölktes optisches Raster (Sentinel-2 L1C)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="347" />
            <source>Model weights (.safetensors or .onnx)</source>
            <translation>Modellgewichte (.safetensors oder .onnx)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="351" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>Optische Bänder, ab 1 gezählt (leer: aus den Gewichten)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <location filename="../plugin/dock.py" line="288" />
            <source>Device</source>
            <translation>Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <source>auto (CUDA if available)</source>
            <translation>automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <location filename="../plugin/dock.py" line="284" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="355" />
            <location filename="../plugin/dock.py" line="285" />
            <source>CUDA GPU</source>
            <translation>CUDA-GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="357" />
            <source>Cloud mask (optional; empty: computed from the optical bands)</source>
            <translation>Wolkenmaske (optional; leer: aus den optischen Bändern berechnet)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="360" />
            <source>Cloud mask values: binary, scl, fmask or a list such as 3,8,9,10</source>
            <translation>Werte der Wolkenmaske: binary, scl, fmask oder eine Liste wie 3,8,9,10</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="363" />
            <source>Other dates of the same place (optional; clouds are filled from them first)</source>
            <translation>Andere Aufnahmetermine desselben Ortes (optional; Wolken werden zuerst daraus gefüllt)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="372" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>Kachelgröße in Pixeln, Vielfaches von 16 (0: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="375" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>Kachelüberlappung in Pixeln (-1: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="378" />
            <source>Tiles per batch</source>
            <translation>Kacheln pro Stapel</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="381" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>Halbe Genauigkeit (nur CUDA, schneller, weniger Speicher)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="384" />
            <source>Raw network output (rewrite every pixel, also clear ones)</source>
            <translation>Rohe Netzausgabe (jedes Pixel neu schreiben, auch klare)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="387" />
            <source>Optical value scale</source>
            <translation>Skala der optischen Werte</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="388" />
            <source>auto (detect from the values)</source>
            <translation>auto (aus den Werten erkennen)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="389" />
            <source>dn: digital numbers, reflectance x 10000</source>
            <translation>dn: digitale Zahlen, Reflexion x 10000</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="390" />
            <source>offset: digital numbers + 1000 (baseline 04.00 and later)</source>
            <translation>offset: digitale Zahlen + 1000 (ab Baseline 04.00)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="391" />
            <source>reflectance: 0..1</source>
            <translation>reflectance: 0..1</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="393" />
            <location filename="../plugin/dock.py" line="293" />
            <source>Backend</source>
            <translation>Backend</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="394" />
            <source>auto (.onnx: onnxruntime; else PyTorch when installed)</source>
            <translation>auto (.onnx: onnxruntime; sonst PyTorch, wenn installiert)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="395" />
            <location filename="../plugin/dock.py" line="291" />
            <source>PyTorch</source>
            <translation>PyTorch</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="395" />
            <location filename="../plugin/dock.py" line="291" />
            <source>onnxruntime</source>
            <translation>onnxruntime</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="397" />
            <source>Automatic cloud mask method (not used with a cloud mask)</source>
            <translation>Methode der automatischen Wolkenmaske (nicht mit einer Wolkenmaske verwendet)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="403" />
            <source>Cloud-free raster</source>
            <translation>Wolkenfreies Raster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="405" />
            <source>Cloud mask output (0 clear, 1 cloud, 2 shadow)</source>
            <translation>Ausgabe der Wolkenmaske (0 klar, 1 Wolke, 2 Schatten)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="408" />
            <source>Source output (0 input, N other date N, 254 network)</source>
            <translation>Herkunftsausgabe (0 Eingabe, N anderer Termin N, 254 Netz)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="412" />
            <source>Uncertainty output (expected error; 0 where the input is kept)</source>
            <translation>Unsicherheitsausgabe (erwarteter Fehler; 0 wo die Eingabe übernommen wird)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="424" />
            <source>Device used</source>
            <translation>Verwendetes Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="426" />
            <source>Optical bands restored (1-based, output order)</source>
            <translation>Wiederhergestellte optische Kanäle (ab 1, Reihenfolge der Ausgabe)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="428" />
            <source>Cloud cover (% of valid pixels)</source>
            <translation>Wolkenbedeckung (% der gültigen Pixel)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="430" />
            <source>Cloud shadow cover (% of valid pixels)</source>
            <translation>Wolkenschattenbedeckung (% der gültigen Pixel)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="459" />
            <source>Model weights '{0}' is a folder, not a weights file. Choose the .safetensors or .onnx file inside it.</source>
            <translation>Die Modellgewichte '{0}' sind ein Ordner, keine Gewichtsdatei. Wählen Sie die .safetensors- oder .onnx-Datei darin.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="471" />
            <source>{0} '{1}' is not an option; use its number: {2}.</source>
            <translation>{0} '{1}' ist keine Option; verwenden Sie ihre Nummer: {2}.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="481" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das SAR-Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="483" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das optische Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="485" />
            <source>The cloud mask cannot be opened. Choose a raster layer or a GeoTIFF file, or leave it empty.</source>
            <translation>Die Wolkenmaske kann nicht geöffnet werden. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei, oder lassen Sie das Feld leer.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="491" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das SAR-Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="493" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das optische Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="495" />
            <source>The cloud mask '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Die Wolkenmaske '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie sie zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="506" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors or .onnx) in the Weights parameter.</source>
            <translation>Modellgewichte '{0}' nicht gefunden. Wählen Sie im Parameter Gewichte eine MMCANet-Gewichtsdatei (.safetensors oder .onnx).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="517" />
            <source>The other date '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Der andere Termin '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie ihn zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="603" />
            <source>Starting the cloud removal...</source>
            <translation>Wolkenentfernung wird gestartet...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="609" />
            <source>Loading the model weights...</source>
            <translation>Die Modellgewichte werden geladen...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="615" />
            <location filename="../plugin/dock.py" line="441" />
            <location filename="../plugin/dock.py" line="580" />
            <source>Device: {0}</source>
            <translation>Gerät: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="636" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="644" />
            <location filename="../plugin/algorithm.py" line="632" />
            <location filename="../plugin/task.py" line="199" />
            <source>Cancelled; no output was written.</source>
            <translation>Abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="81" />
            <source>&lt;b&gt;Demonstrator weights&lt;/b&gt;: a small network trained briefly on a handful of public Sentinel-1/-2 patches. Good for trying the tool, not for analysis: &lt;a href="{0}"&gt;train your own&lt;/a&gt;.</source>
            <translation>&lt;b&gt;Demonstrator-Gewichte&lt;/b&gt;: ein kleines Netz, kurz mit einer Handvoll öffentlicher Sentinel-1/-2-Ausschnitte trainiert. Gut zum Ausprobieren, nicht für Analysen: &lt;a href="{0}"&gt;eigene trainieren&lt;/a&gt;.</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="94" />
            <source>These are the demonstrator weights shipped with the plugin: {parameters} M parameters, bands {bands}, trained for {minutes} minutes on a few real patches of {data}. They show how the tool works; their results are not fit for analysis. Train your own weights: {training} (details: {card}).</source>
            <translation>Dies sind die mit dem Plugin gelieferten Demonstrator-Gewichte: {parameters} Mio. Parameter, Kanäle {bands}, {minutes} Minuten mit wenigen echten Ausschnitten aus {data} trainiert. Sie zeigen, wie das Werkzeug arbeitet; ihre Ergebnisse taugen nicht für Analysen. Eigene Gewichte trainieren: {training} (Details: {card}).</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="312" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet benötigt Python-Pakete, die diesem QGIS fehlen: {0}. Installieren Sie sie mit dem Installationsprogramm des Plugins (Menü Raster &gt; MMCANet-Wolkenentfernung &gt; Python-Abhängigkeiten installieren...) oder führen Sie aus: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/device.py" line="35" />
            <source>{0} (onnxruntime)</source>
            <translation>{0} (onnxruntime)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="104" />
            <location filename="../plugin/main.py" line="32" />
            <location filename="../plugin/main.py" line="64" />
            <location filename="../plugin/provider.py" line="50" />
            <location filename="../plugin/task.py" line="107" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet-Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="136" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>Ein bewölktes Sentinel-2-Bild mit einem koregistrierten Sentinel-1-SAR-Bild desselben Ortes wiederherstellen.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="174" />
            <location filename="../plugin/main.py" line="58" />
            <source>Install Python dependencies...</source>
            <translation>Python-Abhängigkeiten installieren...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="187" />
            <source>Inputs</source>
            <translation>Eingaben</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="195" />
            <source>SAR (VV, VH)</source>
            <translation>SAR (VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="196" />
            <source>Cloudy optical</source>
            <translation>Bewölkt, optisch</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="200" />
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="205" />
            <source>Choose a .safetensors or .onnx file</source>
            <translation>Eine .safetensors- oder .onnx-Datei wählen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="210" />
            <source>Weights</source>
            <translation>Gewichte</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="219" />
            <source>Clouds</source>
            <translation>Wolken</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="222" />
            <source>Empty: computed from the optical bands</source>
            <translation>Leer: aus den optischen Bändern berechnet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="226" />
            <source>Values of the mask that mean cloud or shadow: binary (1), scl (Sentinel-2 L2A scene classification: 3, 8, 9, 10), fmask (2, 4), or a list such as 3,8,9,10</source>
            <translation>Werte der Maske, die Wolke oder Schatten bedeuten: binary (1), scl (Sentinel-2-L2A-Szenenklassifikation: 3, 8, 9, 10), fmask (2, 4) oder eine Liste wie 3,8,9,10</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="230" />
            <source>Network output everywhere</source>
            <translation>Netzausgabe überall</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="231" />
            <source>Off: clear pixels keep their input values and only clouds and their shadows are filled</source>
            <translation>Aus: Klare Pixel behalten ihre Eingabewerte, nur Wolken und ihre Schatten werden gefüllt</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="233" />
            <source>Save the cloud mask</source>
            <translation>Wolkenmaske speichern</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="234" />
            <source>Written next to the result and added to the map</source>
            <translation>Neben dem Ergebnis gespeichert und zur Karte hinzugefügt</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="235" />
            <source>Cloud mask</source>
            <translation>Wolkenmaske</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="236" />
            <source>Mask values</source>
            <translation>Maskenwerte</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="238" />
            <source>Other dates</source>
            <translation>Andere Termine</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="253" />
            <source>Result</source>
            <translation>Ergebnis</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="257" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="258" />
            <source>Empty: saved next to the optical raster, named after it.</source>
            <translation>Leer: neben dem optischen Raster gespeichert, nach ihm benannt.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="261" />
            <source>Bands: every band of the optical raster comes back; the bands the weights do not restore keep their input values in cloudy pixels.</source>
            <translation>Bänder: jedes Band des optischen Rasters kommt zurück; die Bänder, die die Gewichte nicht wiederherstellen, behalten auch in bewölkten Pixeln ihre Eingabewerte.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="265" />
            <source>Temporary file</source>
            <translation>Temporäre Datei</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="266" />
            <source>Deleted when QGIS closes</source>
            <translation>Wird beim Beenden von QGIS gelöscht</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="268" />
            <source>Save to</source>
            <translation>Speichern unter</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="278" />
            <source>Advanced</source>
            <translation>Erweitert</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="284" />
            <source>Auto (CUDA if available)</source>
            <translation>Automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="290" />
            <source>Auto (PyTorch if installed, else onnxruntime)</source>
            <translation>Auto (PyTorch, wenn installiert, sonst onnxruntime)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="297" />
            <source>How the automatic cloud mask is computed; not used when a cloud mask layer is chosen</source>
            <translation>Wie die automatische Wolkenmaske berechnet wird; nicht verwendet, wenn eine Wolkenmaskenebene gewählt ist</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="299" />
            <source>Cloud mask method</source>
            <translation>Methode der Wolkenmaske</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="304" />
            <source>Decloud</source>
            <translation>Wolken entfernen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="307" />
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="385" />
            <source>Next to the optical raster</source>
            <translation>Neben dem optischen Raster</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="400" />
            <source>Missing Python packages: {0}. Install them with the button below (details in the MMCANet log tab).</source>
            <translation>Fehlende Python-Pakete: {0}. Installieren Sie sie mit der Schaltfläche unten (Details im Protokoll-Reiter MMCANet).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="403" />
            <source>Device: known once the packages are installed.</source>
            <translation>Gerät: bekannt, sobald die Pakete installiert sind.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="410" />
            <source>Ready. Choose the SAR and the cloudy optical layer, then press Decloud.</source>
            <translation>Bereit. Wählen Sie den SAR- und den bewölkten optischen Layer und drücken Sie dann „Wolken entfernen“.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="423" />
            <source>Device: checking...</source>
            <translation>Gerät: wird ermittelt...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="468" />
            <location filename="../plugin/dock.py" line="590" />
            <location filename="../plugin/installer.py" line="129" />
            <location filename="../plugin/installer.py" line="140" />
            <location filename="../plugin/installer.py" line="146" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="71" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="510" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>Wählen Sie sowohl einen SAR- als auch einen optischen Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="512" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR- und optischer Layer müssen verschiedene Layer sein.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="515" />
            <source>Choose the model weights (.safetensors or .onnx file).</source>
            <translation>Wählen Sie die Modellgewichte (.safetensors- oder .onnx-Datei).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="522" />
            <source>No folder to save the result in: {0}. Choose a file under Save to.</source>
            <translation>Kein Ordner zum Speichern des Ergebnisses: {0}. Wählen Sie eine Datei unter „Speichern unter“.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="548" />
            <source>Starting...</source>
            <translation>Wird gestartet...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="556" />
            <source>Cancelling...</source>
            <translation>Wird abgebrochen...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="577" />
            <source>{0} ({1} s)</source>
            <translation>{0} ({1} s)</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="26" />
            <source>Warning: {message}</source>
            <translation>Warnung: {message}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="29" />
            <source>Optical values: digital numbers (reflectance x 10000).</source>
            <translation>Optische Werte: Digitalwerte (Reflexion x 10000).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="30" />
            <source>Optical values: digital numbers with the processing-baseline offset, which is subtracted.</source>
            <translation>Optische Werte: Digitalwerte mit dem Offset der Prozessierungs-Baseline, der abgezogen wird.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="32" />
            <source>Optical values: reflectance 0..1, scaled by 10000.</source>
            <translation>Optische Werte: Reflexion 0..1, mit 10000 skaliert.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="33" />
            <source>Removed {path}, left by a run that was killed.</source>
            <translation>{path} entfernt, übrig von einem abgebrochenen Lauf.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="34" />
            <source>The SAR raster covers {percent:.0f} % of the optical scene; the rest will be nodata.</source>
            <translation>Das SAR-Raster deckt {percent:.0f} % der optischen Szene ab; der Rest wird NoData.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="36" />
            <source>The SAR raster covers {percent:.0f} % of the optical scene; outside it, clear pixels are kept, and so are cloud and shadow pixels (no SAR to restore them: they stay cloudy).</source>
            <translation>Das SAR-Raster deckt {percent:.0f} % der optischen Szene ab; außerhalb davon bleiben klare Pixel erhalten, ebenso Wolken- und Schattenpixel (ohne SAR lassen sie sich nicht wiederherstellen: sie bleiben bewölkt).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="40" />
            <source>Optical bands {bands} used as {names} (from the band descriptions).</source>
            <translation>Optische Bänder {bands} verwendet als {names} (laut Bandbeschreibungen).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="41" />
            <source>SAR values look like dB.</source>
            <translation>SAR-Werte sehen nach dB aus.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="42" />
            <source>SAR values look like linear power; they are converted to dB.</source>
            <translation>SAR-Werte sehen nach linearer Leistung aus; sie werden in dB umgerechnet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="44" />
            <source>The SAR raster is on another grid: resampled bilinearly onto the optical grid.</source>
            <translation>Das SAR-Raster liegt auf einem anderen Gitter: bilinear auf das optische Gitter umgerechnet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="46" />
            <source>Memory: about {needed_mib:.0f} MiB per batch of {batch}; {available_gib:.1f} GiB free ({where}).</source>
            <translation>Speicher: etwa {needed_mib:.0f} MiB je Stapel von {batch}; {available_gib:.1f} GiB frei ({where}).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="48" />
            <source>Memory: the scene's strips ({width} pixels wide, {panels} column panel(s)) need about {needed_mib:.0f} MiB of RAM besides the network.</source>
            <translation>Speicher: die Streifen der Szene ({width} Pixel breit, {panels} Spaltenstück(e)) brauchen neben dem Netz etwa {needed_mib:.0f} MiB RAM.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="51" />
            <source>Memory not estimated: the network does not trace on the meta device ({reason}).</source>
            <translation>Speicherbedarf nicht geschätzt: das Netz lässt sich nicht auf dem Meta-Gerät verfolgen ({reason}).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="53" />
            <source>The output has all {count} bands of the input: the network restores bands {restored}; bands {kept} keep their input values (these weights do not restore them).</source>
            <translation>Die Ausgabe hat alle {count} Bänder der Eingabe: Das Netz stellt die Bänder {restored} wieder her; die Bänder {kept} behalten ihre Eingabewerte (diese Gewichte stellen sie nicht wieder her).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="56" />
            <source>{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} pixels (overlap {overlap}), {batch} per batch.</source>
            <translation>{width} x {height} Pixel, Kanäle {bands}: {tiles} Kachel(n) zu {tile} Pixeln (Überlappung {overlap}), {batch} pro Stapel.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="58" />
            <source>Network: {description}.</source>
            <translation>Netz: {description}.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="59" />
            <source>torch.compile: compiled in {seconds:.1f} s.</source>
            <translation>torch.compile: in {seconds:.1f} s kompiliert.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="60" />
            <source>Written in {seconds:.1f} s: {paths}</source>
            <translation>Geschrieben in {seconds:.1f} s: {paths}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="61" />
            <source>Raw network output: the cloud mask {path} is not used.</source>
            <translation>Rohe Netzausgabe: Die Wolkenmaske {path} wird nicht verwendet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="62" />
            <source>Cloud mask {path}: values {values} mean cloud or shadow; it covers {percent:.0f} % of the optical scene (outside counts as clear).</source>
            <translation>Wolkenmaske {path}: Die Werte {values} bedeuten Wolke oder Schatten; sie deckt {percent:.0f} % der optischen Szene ab (außerhalb gilt als klar).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="64" />
            <source>Raw network output everywhere; the cloud mask is written, not applied.</source>
            <translation>Rohe Netzausgabe überall; die Wolkenmaske wird geschrieben, nicht angewendet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="66" />
            <source>Clear pixels keep their input values; clouds are filled by the network (mask widened by {dilate} px, feathered over {feather} px).</source>
            <translation>Klare Pixel behalten ihre Eingabewerte; Wolken füllt das Netz (Maske um {dilate} px erweitert, über {feather} px überblendet).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="68" />
            <source>Automatic cloud mask from red, green, blue (bands {bands}): clouds only, no shadow or snow test.</source>
            <translation>Automatische Wolkenmaske aus Rot, Grün, Blau (Bänder {bands}): nur Wolken, kein Schatten- oder Schneetest.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="70" />
            <source>Automatic cloud and shadow mask from the L1C bands (method {method}).</source>
            <translation>Automatische Wolken- und Schattenmaske aus den L1C-Bändern (Methode {method}).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="72" />
            <source>Automatic cloud mask from the L1C bands, method {method} (shadows left as they are).</source>
            <translation>Automatische Wolkenmaske aus den L1C-Bändern, Methode {method} (Schatten bleiben, wie sie sind).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="74" />
            <source>The network ran on {ran} of {total} tiles (the others are clear or nodata).</source>
            <translation>Das Netz lief auf {ran} von {total} Kacheln (die übrigen sind klar oder ohne Daten).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="76" />
            <source>Cloud cover: {cloud:.1f} %, cloud shadow: {shadow:.1f} % of the valid pixels.</source>
            <translation>Wolkenbedeckung: {cloud:.1f} %, Wolkenschatten: {shadow:.1f} % der gültigen Pixel.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="78" />
            <source>Cloud cover: {cloud:.1f} % of the valid pixels.</source>
            <translation>Wolkenbedeckung: {cloud:.1f} % der gültigen Pixel.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="80" />
            <source>{count} other date(s), tried nearest date first: {order}.</source>
            <translation>{count} andere(r) Termin(e), der nächstgelegene zuerst: {order}.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="81" />
            <source>{count} other date(s), tried in the order given (a date is not in the file name or metadata): {order}.</source>
            <translation>{count} andere(r) Termin(e), in der angegebenen Reihenfolge (ein Datum steht nicht im Dateinamen oder in den Metadaten): {order}.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="83" />
            <source>Other date {path}: matched to this date on {pixels} pixels clear in both ({own} of {blocks} blocks fitted locally).</source>
            <translation>Anderer Termin {path}: an diesen Termin angepasst auf {pixels} in beiden wolkenfreien Pixeln ({own} von {blocks} Blöcken lokal angepasst).</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="85" />
            <source>Other date {path}: too few pixels clear in both dates; not used.</source>
            <translation>Anderer Termin {path}: zu wenige in beiden Terminen wolkenfreie Pixel; nicht verwendet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="87" />
            <source>Sources of the valid pixels: input {input:.1f} %, {references}, network {network:.1f} %.</source>
            <translation>Herkunft der gültigen Pixel: Eingabe {input:.1f} %, {references}, Netz {network:.1f} %.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="89" />
            <source>Cloud cover (from the cloud mask): {cloud:.1f} % of the valid pixels.</source>
            <translation>Wolkenbedeckung (laut Wolkenmaske): {cloud:.1f} % der gültigen Pixel.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="119" />
            <source>CUDA GPU found: {name}</source>
            <translation>CUDA-GPU gefunden: {name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="121" />
            <source>no CUDA GPU visible to PyTorch; using the CPU</source>
            <translation>keine CUDA-GPU für PyTorch sichtbar; die CPU wird verwendet</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="122" />
            <source>CPU chosen</source>
            <translation>CPU gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="123" />
            <source>{device} chosen: {name}</source>
            <translation>{device} gewählt: {name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="124" />
            <source>Apple MPS chosen</source>
            <translation>Apple MPS gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="146" />
            <source>{device} ({reason})</source>
            <translation>{device} ({reason})</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="20" />
            <source>Installing MMCANet's Python dependencies</source>
            <translation>Python-Abhängigkeiten von MMCANet werden installiert</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="29" />
            <source>QGIS's own Python interpreter was not found, so pip cannot run from QGIS. Run the command shown in the MMCANet tab of the log in a terminal (the OSGeo4W Shell on Windows).</source>
            <translation>Der eigene Python-Interpreter von QGIS wurde nicht gefunden, daher kann pip nicht aus QGIS heraus laufen. Führen Sie den Befehl aus dem Reiter MMCANet des Protokolls in einem Terminal aus (unter Windows in der OSGeo4W Shell).</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="64" />
            <source>pip failed (exit code {0}); see the MMCANet tab of the log.</source>
            <translation>pip ist fehlgeschlagen (Exit-Code {0}); siehe den Reiter MMCANet im Protokoll.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="83" />
            <source>All Python dependencies of MMCANet are installed.</source>
            <translation>Alle Python-Abhängigkeiten von MMCANet sind installiert.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="85" />
            <source>MMCANet dependencies</source>
            <translation>MMCANet-Abhängigkeiten</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="102" />
            <source>Light: onnxruntime (about {0:.0f} MB)</source>
            <translation>Leicht: onnxruntime (etwa {0:.0f} MB)</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="103" />
            <source>Full: PyTorch (about {0:.0f} MB)</source>
            <translation>Vollständig: PyTorch (etwa {0:.0f} MB)</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="108" />
            <source>Which Python packages should MMCANet install into its own folder
{0}?</source>
            <translation>Welche Python-Pakete soll MMCANet in seinen eigenen Ordner
{0}
installieren?</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="111" />
            <source>Light (recommended for cloud removal): onnxruntime runs the shipped .onnx model or any exported one; no PyTorch. Installs: {0}.</source>
            <translation>Leicht (empfohlen für die Wolkenentfernung): onnxruntime führt das mitgelieferte .onnx-Modell oder jedes exportierte aus; ohne PyTorch. Installiert: {0}.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="115" />
            <source>Full: PyTorch, for .safetensors weights, training and CUDA GPUs through PyTorch. Installs: {0}.</source>
            <translation>Vollständig: PyTorch, für .safetensors-Gewichte, Training und CUDA-GPUs über PyTorch. Installiert: {0}.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="118" />
            <source>Packages QGIS ships (numpy, GDAL) are left untouched. Sizes are downloads measured on Linux; other systems differ.</source>
            <translation>Pakete, die QGIS mitbringt (numpy, GDAL), bleiben unverändert. Die Größen sind unter Linux gemessene Downloads; auf anderen Systemen weichen sie ab.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="129" />
            <source>Installing Python dependencies in the background...</source>
            <translation>Python-Abhängigkeiten werden im Hintergrund installiert...</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="137" />
            <source>still missing after the install: {0}</source>
            <translation>nach der Installation fehlen noch: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="140" />
            <source>Dependencies installed. The cloud removal is ready.</source>
            <translation>Abhängigkeiten installiert. Die Wolkenentfernung ist bereit.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="144" />
            <source>cancelled</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="146" />
            <source>Installing the dependencies failed: {0}</source>
            <translation>Die Installation der Abhängigkeiten ist fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="55" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>Das MMCANet-Bedienfeld zur Wolkenentfernung ein- oder ausblenden</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="71" />
            <source>Missing Python packages: {0}. Open the MMCANet panel to install them.</source>
            <translation>Fehlende Python-Pakete: {0}. Öffnen Sie das MMCANet-Bedienfeld, um sie zu installieren.</translation>
        </message>
        <message>
            <location filename="../plugin/references.py" line="18" />
            <source>none</source>
            <translation>keine</translation>
        </message>
        <message>
            <location filename="../plugin/references.py" line="19" />
            <source>Optical rasters of the same place on other days (same bands). Clouds are filled from the first one clear there, matched to this date's colours, nearest date first; the network fills the rest</source>
            <translation>Optische Raster desselben Ortes an anderen Tagen (gleiche Bänder). Wolken werden aus dem ersten dort wolkenfreien gefüllt, an die Farben dieses Termins angepasst, der nächstgelegene Termin zuerst; das Netz füllt den Rest</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="183" />
            <source>{0} (cloud-free)</source>
            <translation>{0} (wolkenfrei)</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="183" />
            <source>{0} (cloud-free {1})</source>
            <translation>{0} (wolkenfrei {1})</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="189" />
            <source>{0} (cloud mask)</source>
            <translation>{0} (Wolkenmaske)</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="189" />
            <source>{0} (cloud mask {1})</source>
            <translation>{0} (Wolkenmaske {1})</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Clear</source>
            <translation>Wolkenfrei</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Cloud</source>
            <translation>Wolke</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Cloud shadow</source>
            <translation>Wolkenschatten</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="81" />
            <source>Optical</source>
            <translation>Optisch</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="104" />
            <source>The algorithm {0} is not registered.</source>
            <translation>Der Algorithmus {0} ist nicht registriert.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="139" />
            <source>The output {0} could not be opened.</source>
            <translation>Die Ausgabe {0} konnte nicht geöffnet werden.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="151" />
            <source>Done: added layer '{0}' from a temporary file, which QGIS deletes when it closes (Export &gt; Save As... keeps it).</source>
            <translation>Fertig: Layer „{0}“ aus einer temporären Datei hinzugefügt, die QGIS beim Beenden löscht (Exportieren &gt; Speichern unter... behält sie).</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="155" />
            <source>Done: saved to {0} and added as layer '{1}' above its input.</source>
            <translation>Fertig: gespeichert unter {0} und als Layer „{1}“ über seiner Eingabe hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="158" />
            <source>An earlier result keeps its file; this one got a new name.</source>
            <translation>Ein früheres Ergebnis behält seine Datei; dieses hat einen neuen Namen bekommen.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="161" />
            <source>The input layer now shows bands {0} as the result does.</source>
            <translation>Der Eingabe-Layer zeigt jetzt wie das Ergebnis die Kanäle {0}.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="164" />
            <source>Cloud cover {0:.1f} %, shadow {1:.1f} %.</source>
            <translation>Wolkenbedeckung {0:.1f} %, Schatten {1:.1f} %.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="184" />
            <source>{0} (uncertainty)</source>
            <translation>{0} (Unsicherheit)</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="201" />
            <source>unknown error</source>
            <translation>unbekannter Fehler</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="202" />
            <source>Cloud removal failed: {0}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="41" />
            <source>Add the uncertainty layer</source>
            <translation>Unsicherheitslayer hinzufügen</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="42" />
            <source>Expected error of each restored pixel (weights with an uncertainty head): blue confident, red unsure, clear pixels transparent</source>
            <translation>Erwarteter Fehler jedes wiederhergestellten Pixels (Gewichte mit Unsicherheitskopf): blau sicher, rot unsicher, klare Pixel transparent</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="75" />
            <source>0 (input kept)</source>
            <translation>0 (Eingabe übernommen)</translation>
        </message>
    </context>
</TS>
